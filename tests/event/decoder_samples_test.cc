// The real eventsim samples decode completely, and every field lands in its column.
#include <gtest/gtest.h>

#include <algorithm>

#include "event/decoder.h"
#include "test_support.h"

namespace tributary::event {
namespace {

using tributary::testing::gzip;
using tributary::testing::test_data;

struct Decoded {
  EventBatch batch;
  std::vector<QuarantineRecord> quarantine;
  DecodeStats stats;
};

Decoded decode(Stream stream, std::string_view bytes, std::string_view key = "k") {
  Decoded d{EventBatch(stream), {}, {}};
  ObjectDecoder decoder(stream);
  d.stats = decoder.decode(key, bytes, d.batch, d.quarantine);
  return d;
}

std::size_t count_lines(std::string_view text) {
  std::size_t n = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  return (text.empty() || text.back() == '\n') ? n : n + 1;
}

std::string_view str(const EventBatch& b, Field f, std::size_t row) {
  return b.column(f).str.at(row);
}

// The object has 866 newlines and a last line without one (as fluentd writes it): 867 events. A
// decoder that only counted newline-terminated lines would lose the last event of every object.
TEST(DecoderSamples, FluentdObjectHas867ListenEventsAndNothingQuarantined) {
  const std::string raw = test_data("fluentd-s3-object_2023061719_20.json");
  const Decoded d = decode(Stream::kListen, raw, "Raw/listen_events/2023061719_20.json");
  EXPECT_EQ(d.stats.events, 867u);
  EXPECT_EQ(d.stats.lines, 867u);
  EXPECT_EQ(d.stats.quarantined, 0u);
  EXPECT_TRUE(d.quarantine.empty());
  ASSERT_EQ(d.batch.size(), 867u);
  EXPECT_EQ(d.batch.source_key(866), "Raw/listen_events/2023061719_20.json");

  // First line, field by field, against the JSON.
  const EventBatch& b = d.batch;
  EXPECT_EQ(str(b, Field::kArtist, 0), "Daryl Hall & John Oates");
  EXPECT_EQ(str(b, Field::kSong, 0), "Don't Hold Back Your Love");
  EXPECT_DOUBLE_EQ(b.column(Field::kDuration).f64[0], 313.8869);
  EXPECT_EQ(b.column(Field::kTs).i64[0], 1661129304330);
  EXPECT_EQ(b.column(Field::kSessionId).i64[0], 20857);
  EXPECT_EQ(str(b, Field::kAuth, 0), "Logged In");
  EXPECT_EQ(str(b, Field::kLevel, 0), "paid");
  EXPECT_EQ(b.column(Field::kItemInSession).i32[0], 20);
  EXPECT_EQ(str(b, Field::kCity, 0), "Memphis");
  EXPECT_EQ(str(b, Field::kZip, 0), "38135");
  EXPECT_EQ(str(b, Field::kState, 0), "TN");
  EXPECT_EQ(str(b, Field::kUserAgent, 0),
            "Mozilla/5.0 (Windows NT 6.3; WOW64; Trident/7.0; rv:11.0) like Gecko");
  EXPECT_DOUBLE_EQ(b.column(Field::kLon).f64[0], -89.848559);
  EXPECT_DOUBLE_EQ(b.column(Field::kLat).f64[0], 35.238925);
  EXPECT_TRUE(b.column(Field::kUserId).is_valid(0));
  EXPECT_EQ(b.column(Field::kUserId).i64[0], 212);
  EXPECT_EQ(str(b, Field::kLastName, 0), "Morgan");
  EXPECT_EQ(str(b, Field::kFirstName, 0), "Tenli");
  EXPECT_EQ(str(b, Field::kGender, 0), "F");
  EXPECT_EQ(b.column(Field::kRegistration).i64[0], 1655316754330);
  EXPECT_FALSE(b.column(Field::kTag).is_valid(0));
  EXPECT_FALSE(b.extra().is_valid(0));
  EXPECT_EQ(b.keys()[0], compute_event_key(Stream::kListen, 1661129304330, 20857, 20, 212));

  // Third line: the userAgent arrives wrapped in literal quotes, which cleaning drops.
  EXPECT_EQ(str(b, Field::kUserAgent, 2),
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.78.2 (KHTML, like "
            "Gecko) Version/7.0.6 Safari/537.78.2");
  EXPECT_EQ(str(b, Field::kSong, 2), "I Could Fall In Love");
}

TEST(DecoderSamples, GzipObjectDecodesIdenticallyToPlain) {
  const std::string raw = test_data("fluentd-s3-object_2023061719_20.json");
  const Decoded plain = decode(Stream::kListen, raw);
  const Decoded zipped = decode(Stream::kListen, gzip(raw));
  EXPECT_EQ(zipped.stats.events, 867u);
  EXPECT_EQ(zipped.batch.keys(), plain.batch.keys());
  EXPECT_EQ(zipped.batch.column(Field::kSong).str.bytes,
            plain.batch.column(Field::kSong).str.bytes);
}

TEST(DecoderSamples, EventsimOutputFilesDecodeCompletely) {
  for (const char* name : {"listen_events.jsonl", "page_view_events.jsonl", "auth_events.jsonl"}) {
    const std::string raw = test_data(name);
    const auto stream = stream_from_path(name);
    ASSERT_TRUE(stream);
    const Decoded d = decode(*stream, raw);
    EXPECT_EQ(d.stats.quarantined, 0u)
        << name << ": " << (d.quarantine.empty() ? "" : d.quarantine[0].reason);
    EXPECT_EQ(d.stats.events, count_lines(raw)) << name;
  }
}

TEST(DecoderSamples, PageViewsCarryTheSongOnlyForNextSong) {
  const Decoded d = decode(Stream::kPageView, test_data("page_view_events.jsonl"));
  const EventBatch& b = d.batch;
  std::size_t next_songs = 0;
  for (std::size_t row = 0; row < b.size(); ++row) {
    const bool next_song = str(b, Field::kPage, row) == "NextSong";
    next_songs += next_song;
    EXPECT_EQ(b.column(Field::kSong).is_valid(row), next_song) << row;
    EXPECT_EQ(b.column(Field::kDuration).is_valid(row), next_song) << row;
  }
  EXPECT_GT(next_songs, 0u);
  EXPECT_EQ(str(b, Field::kPage, 0), "NextSong");
  EXPECT_EQ(str(b, Field::kMethod, 0), "PUT");
  EXPECT_EQ(b.column(Field::kStatus).i32[0], 200);
}

TEST(DecoderSamples, GuestsHaveNoUserFields) {
  const Decoded d = decode(Stream::kAuth, test_data("auth_events.jsonl"));
  const EventBatch& b = d.batch;
  ASSERT_EQ(b.size(), 4u);
  EXPECT_FALSE(b.column(Field::kUserId).is_valid(0));
  EXPECT_FALSE(b.column(Field::kFirstName).is_valid(0));
  EXPECT_FALSE(b.column(Field::kSuccess).b[0]);
  EXPECT_EQ(b.column(Field::kUserId).i64[3], 54);
  EXPECT_TRUE(b.column(Field::kSuccess).b[3]);
  EXPECT_EQ(b.keys()[0], compute_event_key(Stream::kAuth, 1703438540902, 53, 2, std::nullopt));
  // Two guest events in the same second of one session stay distinct by itemInSession.
  EXPECT_NE(b.keys()[1], b.keys()[2]);
}

// eventsim's own data garbles non-ASCII names twice (util/mojibake.h); silver and the warehouse get
// them repaired, and the garbled and the clean spelling of a name become one.
TEST(DecoderSamples, ArtistAndSongAreRepairedFromEventsimsGarbling) {
  const std::string raw = test_data("fluentd-s3-object_2023061719_20.json");
  const std::string garbled_bjork = "Bj\xc3\x83\xc2\x83\xc3\x82\xc2\xb6rk";
  std::size_t garbled = 0;
  for (std::size_t at = raw.find(garbled_bjork); at != std::string::npos;
       at = raw.find(garbled_bjork, at + 1)) {
    ++garbled;
  }
  ASSERT_GT(garbled, 0u);
  const Decoded d = decode(Stream::kListen, raw);
  std::size_t bjork = 0;
  for (std::size_t row = 0; row < d.batch.size(); ++row) {
    for (const Field f : {Field::kArtist, Field::kSong}) {
      // Ã followed by a C1 control: the mark of the garbling; no real name has it.
      EXPECT_EQ(str(d.batch, f, row).find("\xc3\x83\xc2"), std::string_view::npos)
          << str(d.batch, f, row);
    }
    bjork += str(d.batch, Field::kArtist, row) == "Björk";
  }
  EXPECT_EQ(bjork, garbled);

  const Decoded listens = decode(Stream::kListen, test_data("listen_events.jsonl"));
  const Decoded views = decode(Stream::kPageView, test_data("page_view_events.jsonl"));
  for (const Decoded* v : {&listens, &views}) {
    const EventBatch& b = v->batch;
    for (std::size_t row = 0; row < b.size(); ++row) {
      for (const Field f : {Field::kArtist, Field::kSong}) {
        if (!b.column(f).is_valid(row)) continue;
        EXPECT_EQ(str(b, f, row).find("\xc3\x83\xc2"), std::string_view::npos) << str(b, f, row);
      }
    }
    const auto has = [&](Field f, std::string_view want) {
      for (std::size_t row = 0; row < b.size(); ++row) {
        if (b.column(f).is_valid(row) && str(b, f, row) == want) return true;
      }
      return false;
    };
    EXPECT_TRUE(has(Field::kArtist, "Étienne Daho"));
    EXPECT_TRUE(has(Field::kArtist, "Héroes del Silencio"));
    EXPECT_TRUE(has(Field::kSong, "Quand Paris S'éteint"));
  }
}

TEST(DecoderSamples, GenuineNamesAndOtherFieldsAreKeptAsWritten) {
  const std::string line = test_data("listen_events.jsonl").substr(0, 600);
  std::string event = line.substr(0, line.find('\n'));
  const auto replace = [&](std::string_view from, std::string_view to) {
    event.replace(event.find(from), from.size(), to);
  };
  replace("Sam Sparro", "Ólafur Arnalds");
  replace("Black & Gold", "東京 🎵 Ça va");
  // Only names are repaired: a city written as "Ã©" stays as it came.
  replace("Anaheim", "Ã©");
  const Decoded d = decode(Stream::kListen, event);
  ASSERT_EQ(d.batch.size(), 1u);
  EXPECT_EQ(str(d.batch, Field::kArtist, 0), "Ólafur Arnalds");
  EXPECT_EQ(str(d.batch, Field::kSong, 0), "東京 🎵 Ça va");
  EXPECT_EQ(str(d.batch, Field::kCity, 0), "Ã©");
}

}  // namespace
}  // namespace tributary::event
