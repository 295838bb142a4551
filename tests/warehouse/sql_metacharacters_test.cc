// Event text is data, never SQL: string fields full of SQL metacharacters, comment markers, an
// injection attempt, placeholders and Unicode load into both dialects verbatim (bound parameters
// on SQLite, binary COPY on PostgreSQL) and read back equal, through the views and the report.
// tests/reliability/sql_static_check.mjs checks the other half: no SQL text is built from data.
#include <gtest/gtest.h>

#include <map>

#include "util/json_writer.h"
#include "warehouse/report.h"
#include "warehouse_test_support.h"

namespace tributary::warehouse {
namespace {

using testing::ScratchDatabase;

const std::vector<std::string>& nasty_strings() {
  static const std::vector<std::string> strings = {
      "O'Brien",
      "Robert'); DROP TABLE fact_listen; --",
      "x' OR '1'='1",
      "a \"double\" quote\" ; DROP TABLE dim_artist",
      "back\\slash \\' \\\" \\\\ \\n",
      "semi;colon -- line comment /* block */ */",
      "$1 $2 ? ?1 :name @p %s %% {collate} \\N",
      "tab\tnew\nline\rreturn",
      "Beyonc\xc3\xa9 \xe2\x80\x94 \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x8e\xb5 "
      "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7 e\xcc\x81",
      "NULL",
      "' || (SELECT name FROM sqlite_master) || '",
      "E'\\x27' $$dollar$$ $tag$quoted$tag$",
  };
  return strings;
}

// What one event carried, by its itemInSession.
struct Sent {
  std::string artist, song, city, state, zip, user_agent, first_name, last_name;
};

std::map<std::int64_t, Sent> events_and_json(std::string& jsonl) {
  const auto& s = nasty_strings();
  const std::size_t n = s.size();
  std::map<std::int64_t, Sent> sent;
  for (std::size_t i = 0; i < n; ++i) {
    const Sent e{s[i],
                 s[(i + 1) % n],
                 s[(i + 2) % n],
                 s[(i + 3) % n],
                 s[(i + 4) % n],
                 "agent " + s[(i + 5) % n],  // userAgent loses one pair of outer quotes
                 s[(i + 6) % n],
                 s[(i + 7) % n]};
    const auto item = static_cast<std::int64_t>(i);
    std::string line;
    util::JsonWriter w(line);
    w.begin_object()
        .key("artist")
        .value(e.artist)
        .key("song")
        .value(e.song)
        .key("duration")
        .value(200.5)
        .key("ts")
        .value(std::int64_t{1703438319902} + item * 1000)
        .key("sessionId")
        .value(std::int64_t{42})
        .key("auth")
        .value("Logged In")
        .key("level")
        .value("paid")
        .key("itemInSession")
        .value(item)
        .key("city")
        .value(e.city)
        .key("zip")
        .value(e.zip)
        .key("state")
        .value(e.state)
        .key("userAgent")
        .value(e.user_agent)
        .key("lon")
        .value(-117.5)
        .key("lat")
        .value(33.5)
        .key("userId")
        .value(std::int64_t{1000} + item)
        .key("lastName")
        .value(e.last_name)
        .key("firstName")
        .value(e.first_name)
        .key("gender")
        .value("F")
        .key("registration")
        .value(std::int64_t{1703420928902})
        .end_object();
    jsonl += line + "\n";
    sent.emplace(item, e);
  }
  return sent;
}

class SqlMetacharactersTest : public ::testing::TestWithParam<Dialect> {};

TEST_P(SqlMetacharactersTest, StringFieldsLoadVerbatimAndNothingElseRuns) {
  ScratchDatabase scratch(GetParam());
  auto wh = scratch.open();
  std::string jsonl;
  const std::map<std::int64_t, Sent> sent = events_and_json(jsonl);
  const event::EventBatch batch = testing::decode_text(event::Stream::kListen, jsonl);
  ASSERT_EQ(batch.size(), sent.size());
  EXPECT_EQ(wh->load(batch).new_rows, sent.size());
  // Loaded twice: the second load's statements see the same text again, as duplicates.
  EXPECT_EQ(wh->load(batch).duplicates, sent.size());

  SqlConnection& db = wh->connection();
  std::map<std::int64_t, Sent> got;
  for (const SqlRow& r :
       db.query("SELECT v.item_in_session, v.artist, v.song, v.city, v.state, v.zip,"
                " ua.user_agent, v.first_name, v.last_name FROM v_listens v"
                " JOIN fact_listen f ON f.session_id = v.session_id"
                " AND f.item_in_session = v.item_in_session"
                " JOIN dim_user_agent ua ON ua.user_agent_key = f.user_agent_key")) {
    got.emplace(std::stoll(*r[0]),
                Sent{r[1].value_or("<NULL>"), r[2].value_or("<NULL>"), r[3].value_or("<NULL>"),
                     r[4].value_or("<NULL>"), r[5].value_or("<NULL>"), r[6].value_or("<NULL>"),
                     r[7].value_or("<NULL>"), r[8].value_or("<NULL>")});
  }
  ASSERT_EQ(got.size(), sent.size());
  for (const auto& [item, want] : sent) {
    const Sent& have = got.at(item);
    EXPECT_EQ(have.artist, want.artist) << item;
    EXPECT_EQ(have.song, want.song) << item;
    EXPECT_EQ(have.city, want.city) << item;
    EXPECT_EQ(have.state, want.state) << item;
    EXPECT_EQ(have.zip, want.zip) << item;
    EXPECT_EQ(have.user_agent, want.user_agent) << item;
    EXPECT_EQ(have.first_name, want.first_name) << item;
    EXPECT_EQ(have.last_name, want.last_name) << item;
  }
  // Every table the strings name is still there, with exactly the rows loaded.
  EXPECT_EQ(testing::count(db, "fact_listen"), static_cast<std::int64_t>(sent.size()));
  EXPECT_EQ(testing::count(db, "dim_artist"), static_cast<std::int64_t>(sent.size()));
  EXPECT_EQ(testing::count(db, "dim_user"), static_cast<std::int64_t>(sent.size()));

  // The report reads them back as they were sent, the period and the user bound.
  ReportOptions options;
  options.period = {"2023-12-24", "2023-12-25"};
  options.top = 100;
  options.user_id = 1001;
  const Report report = run_report(db, options);
  std::set<std::string> artists;
  for (const auto& song : report.top_songs) artists.insert(song.artist);
  EXPECT_EQ(artists, std::set<std::string>(nasty_strings().begin(), nasty_strings().end()));
  ASSERT_EQ(report.user_listening.size(), 1u);
  EXPECT_EQ(report.user_listening[0].first_name, sent.at(1).first_name);
}

INSTANTIATE_TEST_SUITE_P(Dialects, SqlMetacharactersTest,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         testing::dialect_name);

TEST(QuoteIdentifier, QuotesAndDoublesInnerQuotes) {
  EXPECT_EQ(quote_identifier("fact_listen_p202312"), "\"fact_listen_p202312\"");
  EXPECT_EQ(quote_identifier("a\"b; DROP TABLE x"), "\"a\"\"b; DROP TABLE x\"");
  EXPECT_THROW(quote_identifier(""), std::invalid_argument);
  EXPECT_THROW(quote_identifier(std::string("a\0b", 3)), std::invalid_argument);
}

}  // namespace
}  // namespace tributary::warehouse
