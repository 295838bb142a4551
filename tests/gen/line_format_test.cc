// The generator's lines against eventsim's real output: every sample line is rebuilt from the
// built-in tables and the reference site model and must come out byte for byte.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <vector>

#include "gen/event_line_writer.h"
#include "test_support.h"

namespace tributary::gen {
namespace {

using event::Stream;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    if (nl > pos) lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return lines;
}

template <typename Row, typename Match>
std::uint32_t index_of(std::span<const Row> rows, Match match) {
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (match(rows[i])) return static_cast<std::uint32_t>(i);
  }
  ADD_FAILURE() << "not in the built-in tables";
  return 0;
}

std::string_view str(simdjson::dom::element line, const char* key) {
  return std::string_view(line[key]);
}

// Rebuilds the simulated event behind one sample line of `stream`.
struct RebuiltEvent {
  SimulatedUser user;
  SimulatedEvent event;
};

RebuiltEvent rebuild(Stream stream, simdjson::dom::element line) {
  RebuiltEvent r;
  SimulatedUser& u = r.user;
  const std::string_view city = str(line, "city"), zip = str(line, "zip");
  u.city =
      index_of(builtin_cities(), [&](const UsCity& c) { return c.city == city && c.zip == zip; });
  const std::string_view agent = str(line, "userAgent");
  u.user_agent = index_of(builtin_user_agents(),
                          [&](const UserAgent& a) { return quoted_user_agent(a.agent) == agent; });
  simdjson::dom::element user_id;
  const bool identified = line["userId"].get(user_id) == simdjson::SUCCESS;
  if (identified) {
    u.user_id = std::int64_t(user_id);
    u.registration_ms = std::int64_t(line["registration"]);
    const std::string_view first = str(line, "firstName"), gender = str(line, "gender"),
                           last = str(line, "lastName");
    u.first_name = index_of(builtin_first_names(), [&](const FirstName& n) {
      return n.name == first && n.gender == gender;
    });
    u.last_name = index_of(builtin_last_names(), [&](std::string_view n) { return n == last; });
  }
  SimulatedEvent& e = r.event;
  e.user = &r.user;
  e.ts_ms = std::int64_t(line["ts"]);
  e.session_id = std::int64_t(line["sessionId"]);
  e.item_in_session = static_cast<std::int32_t>(std::int64_t(line["itemInSession"]));
  const std::string_view level = str(line, "level");
  std::string_view page = "NextSong", auth;
  if (stream == Stream::kPageView) page = str(line, "page");
  if (stream == Stream::kAuth) {
    // Auth lines carry no page: any state with the visitor's auth after the login will do.
    page = "Home";
    auth = bool(line["success"]) ? "Logged In" : "Logged Out";
    e.after_login = true;
  } else {
    auth = str(line, "auth");
  }
  e.state = SiteModel::reference().find(page, auth, level);
  EXPECT_NE(e.state, nullptr) << page << " " << auth << " " << level;
  if (e.state != nullptr && e.state->is_next_song) {
    const std::string_view artist = str(line, "artist"), title = str(line, "song");
    const double duration = double(line["duration"]);
    e.song = &builtin_songs()[index_of(builtin_songs(), [&](const CatalogSong& s) {
      return s.artist == artist && s.title == title && static_cast<float>(duration) == s.duration;
    })];
  }
  return r;
}

void expect_samples_reproduced(Stream stream, const char* file) {
  const EventLineWriter writer;
  simdjson::dom::parser parser;
  std::size_t checked = 0;
  for (const std::string& sample : lines_of(testing::test_data(file))) {
    const simdjson::dom::element line = parser.parse(sample);
    RebuiltEvent rebuilt = rebuild(stream, line);
    if (rebuilt.event.state == nullptr) continue;
    rebuilt.event.user = &rebuilt.user;
    std::string out;
    std::array<std::string*, event::kStreamCount> sinks{};
    sinks[static_cast<std::size_t>(stream)] = &out;
    EXPECT_EQ(writer.write(rebuilt.event, sinks), 1u);
    EXPECT_EQ(out, sample + "\n");
    ++checked;
  }
  EXPECT_GT(checked, 3u);
}

TEST(LineFormat, ListenSamplesAreReproducedByteForByte) {
  expect_samples_reproduced(Stream::kListen, "listen_events.jsonl");
}

TEST(LineFormat, FluentdObjectIsReproducedByteForByte) {
  expect_samples_reproduced(Stream::kListen, "fluentd-s3-object_2023061719_20.json");
}

TEST(LineFormat, PageViewSamplesAreReproducedByteForByte) {
  expect_samples_reproduced(Stream::kPageView, "page_view_events.jsonl");
}

TEST(LineFormat, AuthSamplesAreReproducedByteForByte) {
  expect_samples_reproduced(Stream::kAuth, "auth_events.jsonl");
}

TEST(LineFormat, UserAgentsAreQuotedWhenTheyHoldAComma) {
  EXPECT_EQ(quoted_user_agent("Mozilla/5.0 (KHTML, like Gecko)"),
            "\"Mozilla/5.0 (KHTML, like Gecko)\"");
  EXPECT_EQ(quoted_user_agent("Mozilla/5.0 (Windows NT 6.1; rv:31.0) Gecko/20100101 Firefox/31.0"),
            "Mozilla/5.0 (Windows NT 6.1; rv:31.0) Gecko/20100101 Firefox/31.0");
}

TEST(LineFormat, NumbersArePrintedLikeJava) {
  std::string out;
  append_java_float(out, 313.8869f);
  out += ' ';
  append_java_float(out, 180.0f);
  out += ' ';
  append_java_double(out, -117.870494);
  out += ' ';
  append_java_double(out, 40.0);
  EXPECT_EQ(out, "313.8869 180.0 -117.870494 40.0");
}

TEST(LineFormat, EachPageViewFeedsTheStreamsEventsimFeeds) {
  const SiteModel& model = SiteModel::reference();
  SimulatedUser user;
  SimulatedEvent e;
  e.user = &user;
  e.ts_ms = 1703438319902;
  std::array<std::string, event::kStreamCount> out;
  std::array<std::string*, event::kStreamCount> sinks{&out[0], &out[1], &out[2], &out[3]};
  const EventLineWriter writer;
  auto count = [&](Stream s) {
    const std::string& text = out[static_cast<std::size_t>(s)];
    return std::count(text.begin(), text.end(), '\n');
  };

  e.state = model.find("Submit Upgrade", "Logged In", "free");
  EXPECT_EQ(writer.write(e, sinks), 2u);
  EXPECT_EQ(count(Stream::kStatusChange), 1);
  EXPECT_NE(out[static_cast<std::size_t>(Stream::kStatusChange)].find(
                R"("auth":"Logged In","level":"free")"),
            std::string::npos);

  e.state = model.find("NextSong", "Logged In", "free");
  e.song = &builtin_songs()[0];
  EXPECT_EQ(writer.write(e, sinks), 2u);
  EXPECT_EQ(count(Stream::kListen), 1);

  e.state = model.find("Home", "Logged Out", "free");
  e.song = nullptr;
  e.after_login = true;
  EXPECT_EQ(writer.write(e, sinks), 2u);
  EXPECT_EQ(count(Stream::kAuth), 1);
  EXPECT_EQ(count(Stream::kPageView), 3);
  // A logged-out visitor is anonymous, and nothing carries a tag unless asked.
  EXPECT_EQ(out[static_cast<std::size_t>(Stream::kAuth)].find("userId"), std::string::npos);
  for (const std::string& text : out) EXPECT_EQ(text.find("\"tag\""), std::string::npos);

  const EventLineWriter tagged("A/B group 2");
  std::string listen;
  std::array<std::string*, event::kStreamCount> only_listen{&listen, nullptr, nullptr, nullptr};
  e.state = model.find("NextSong", "Logged In", "free");
  e.song = &builtin_songs()[0];
  e.after_login = false;
  EXPECT_EQ(tagged.write(e, only_listen), 1u);
  EXPECT_NE(listen.find(R"(,"tag":"A/B group 2"})"), std::string::npos) << listen;
}

}  // namespace
}  // namespace tributary::gen
