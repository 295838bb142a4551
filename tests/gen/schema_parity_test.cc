// Schema parity: per stream, generated lines have exactly the key sequences and JSON types of
// eventsim's real output, and the ingester's decoder accepts every one of them.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <set>
#include <string>
#include <vector>

#include "event/decoder.h"
#include "gen/event_line_writer.h"
#include "gen/session_simulator.h"
#include "test_support.h"

namespace tributary::gen {
namespace {

using event::Stream;

// A line's shape: its keys in order, each with its JSON type.
using Shape = std::vector<std::pair<std::string, char>>;

char type_of(simdjson::dom::element value) {
  switch (value.type()) {
    case simdjson::dom::element_type::STRING:
      return 's';
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
      return 'i';
    case simdjson::dom::element_type::DOUBLE:
      return 'd';
    case simdjson::dom::element_type::BOOL:
      return 'b';
    default:
      return '?';
  }
}

std::set<Shape> shapes(const std::string& text) {
  simdjson::dom::parser parser;
  std::set<Shape> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    if (nl > pos) {
      Shape shape;
      for (auto field : simdjson::dom::object(parser.parse(text.substr(pos, nl - pos)))) {
        shape.emplace_back(std::string(field.key), type_of(field.value));
      }
      out.insert(std::move(shape));
    }
    pos = nl + 1;
  }
  return out;
}

class SchemaParity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    SimulationOptions o;
    o.seed = 5;
    o.users = 300;
    o.growth_rate = 2.0;  // enough newcomers to see guests and registrations
    o.start_ms = 1685577600902;
    o.end_ms = o.start_ms + 30LL * 86400000;
    SessionSimulator sim(SiteModel::reference(), o);
    const EventLineWriter writer;
    const std::array<std::string*, event::kStreamCount> sinks{&out_[0], &out_[1], &out_[2],
                                                              &out_[3]};
    SimulatedEvent e;
    while (sim.next(e)) writer.write(e, sinks);
  }
  static const std::string& generated(Stream s) { return out_[static_cast<std::size_t>(s)]; }

  static std::array<std::string, event::kStreamCount> out_;
};

std::array<std::string, event::kStreamCount> SchemaParity::out_;

TEST_F(SchemaParity, ListenEventsHaveTheSamplesKeysOrderAndTypes) {
  std::set<Shape> samples = shapes(testing::test_data("listen_events.jsonl"));
  samples.merge(shapes(testing::test_data("fluentd-s3-object_2023061719_20.json")));
  EXPECT_EQ(shapes(generated(Stream::kListen)), samples);
}

TEST_F(SchemaParity, PageViewEventsHaveTheSamplesKeysOrderAndTypes) {
  // Three shapes: a song with an identified user, another page with one, an anonymous visitor.
  const std::set<Shape> samples = shapes(testing::test_data("page_view_events.jsonl"));
  ASSERT_EQ(samples.size(), 3u);
  EXPECT_EQ(shapes(generated(Stream::kPageView)), samples);
}

TEST_F(SchemaParity, AuthEventsHaveTheSamplesKeysOrderAndTypes) {
  // A failed login is anonymous; a successful one identifies the user.
  const std::set<Shape> samples = shapes(testing::test_data("auth_events.jsonl"));
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(shapes(generated(Stream::kAuth)), samples);
}

TEST_F(SchemaParity, StatusChangesAreListensWithoutTheSong) {
  // No sample exists; eventsim writes a listen's fields minus artist, song and duration.
  std::set<Shape> expected;
  for (Shape shape : shapes(testing::test_data("listen_events.jsonl"))) {
    std::erase_if(shape, [](const auto& kv) {
      return kv.first == "artist" || kv.first == "song" || kv.first == "duration";
    });
    expected.insert(shape);
  }
  EXPECT_EQ(shapes(generated(Stream::kStatusChange)), expected);
}

TEST_F(SchemaParity, TheDecoderAcceptsEveryGeneratedLine) {
  for (Stream s : event::kAllStreams) {
    event::ObjectDecoder decoder(s);
    event::EventBatch batch(s);
    std::vector<event::QuarantineRecord> quarantine;
    const event::DecodeStats stats = decoder.decode("generated", generated(s), batch, quarantine);
    EXPECT_GT(stats.events, 0u) << event::stream_name(s);
    EXPECT_EQ(stats.quarantined, 0u)
        << event::stream_name(s) << ": " << (quarantine.empty() ? "" : quarantine[0].reason);
    EXPECT_EQ(stats.events, stats.lines);
  }
}

}  // namespace
}  // namespace tributary::gen
