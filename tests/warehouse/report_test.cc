// The BI report on both dialects: period bounds, ranking, tie-breaks, and the output contracts.
#include "warehouse/report.h"

#include <gtest/gtest.h>

#include "warehouse/report_format.h"
#include "warehouse_test_support.h"

namespace tributary::warehouse {
namespace {

using event::Stream;
using testing::decode_text;
using testing::ScratchDatabase;

constexpr std::int64_t kJune1 = 1685577600000;  // 2023-06-01T00:00:00Z

struct Listen {
  std::int64_t ts;
  int user;  // 0: a guest
  std::string artist;
  std::string song;
  double duration;
  std::string city = "Tampa";
};

std::string listen_json(const Listen& l, int item) {
  std::string user;
  if (l.user != 0) {
    const std::string first = l.user == 1 ? "Ann" : l.user == 2 ? "Bob" : "Cy";
    user = R"(,"userId":)" + std::to_string(l.user) + R"(,"firstName":")" + first +
           R"(","lastName":"Lee","gender":"F","registration":1680000000000)";
  }
  return R"({"artist":")" + l.artist + R"(","song":")" + l.song + R"(","duration":)" +
         std::to_string(l.duration) + R"(,"ts":)" + std::to_string(l.ts) + R"(,"sessionId":)" +
         std::to_string(100 + l.user) + R"(,"auth":"Logged In","level":"paid","itemInSession":)" +
         std::to_string(item) + R"(,"city":")" + l.city +
         R"(","zip":"1","state":"FL","userAgent":"UA","lon":1,"lat":2)" + user + "}\n";
}

event::EventBatch listens(const std::vector<Listen>& rows) {
  std::string text;
  int item = 0;
  for (const Listen& l : rows) text += listen_json(l, item++);
  return decode_text(Stream::kListen, text);
}

class ReportTest : public ::testing::TestWithParam<Dialect> {};

TEST_P(ReportTest, PeriodIsHalfOpenAndTiesBreakByName) {
  ScratchDatabase scratch(GetParam());
  auto wh = scratch.open();
  wh->load(listens({
      {kJune1 - 1, 1, "Zed", "Early", 3600},  // 2023-05-31T23:59:59.999Z: outside
      {kJune1, 1, "Abba", "Waterloo", 1800},
      {kJune1 + 60000, 1, "Abba", "Waterloo", 1800},
      {kJune1 + 120000, 2, "Blur", "Song 2", 3600},
      {kJune1 + 180000, 0, "Blur", "Song 2", 120, "Miami"},
      {kJune1 + 86400000, 3, "Cure", "Late", 60},  // 2023-06-02: outside
  }));
  ReportOptions options;
  options.period = {"2023-06-01", "2023-06-02"};
  const Report r = run_report(wh->connection(), options);

  ASSERT_EQ(r.top_songs.size(), 2u);
  // Two plays each: "Song 2" sorts before "Waterloo".
  EXPECT_EQ(r.top_songs[0].song, "Song 2");
  EXPECT_EQ(r.top_songs[0].plays, 2);
  EXPECT_EQ(r.top_songs[0].listeners, 1);  // the guest is not a listener
  EXPECT_EQ(r.top_songs[1].song, "Waterloo");

  // One hour each: Ann before Bob; guests are not users.
  ASSERT_EQ(r.user_listening.size(), 2u);
  EXPECT_EQ(r.user_listening[0].first_name, "Ann");
  EXPECT_EQ(r.user_listening[0].plays, 2);
  EXPECT_DOUBLE_EQ(r.user_listening[0].hours, 1.0);
  EXPECT_EQ(r.user_listening[1].first_name, "Bob");

  ASSERT_EQ(r.top_locations.size(), 2u);
  EXPECT_EQ(r.top_locations[0].city, "Tampa");
  EXPECT_EQ(r.top_locations[0].listens, 3);
  EXPECT_EQ(r.top_locations[0].users, 2);
  EXPECT_EQ(r.top_locations[0].sessions, 2);
  EXPECT_DOUBLE_EQ(r.top_locations[0].listening_hours, 2.0);
  EXPECT_EQ(r.top_locations[1].city, "Miami");

  EXPECT_EQ(
      report_json(r),
      R"({"from":"2023-06-01","to":"2023-06-02","top_locations":[)"
      R"({"city":"Tampa","state":"FL","page_views":0,"listens":3,"listening_hours":2,"users":2,"sessions":2},)"
      R"({"city":"Miami","state":"FL","page_views":0,"listens":1,"listening_hours":0.03333333333333333,"users":0,"sessions":1}],)"
      R"("top_songs":[{"artist":"Blur","song":"Song 2","plays":2,"listeners":1},)"
      R"({"artist":"Abba","song":"Waterloo","plays":2,"listeners":1}],)"
      R"("user_listening":[{"user_id":1,"first_name":"Ann","last_name":"Lee","plays":2,"hours":1},)"
      R"({"user_id":2,"first_name":"Bob","last_name":"Lee","plays":1,"hours":1}]})"
      "\n");
}

TEST_P(ReportTest, TopAndUserLimitTheLists) {
  ScratchDatabase scratch(GetParam());
  auto wh = scratch.open();
  wh->load(listens({{kJune1, 1, "A", "One", 10},
                    {kJune1 + 1, 2, "B", "Two", 20},
                    {kJune1 + 2, 3, "C", "Three", 30}}));
  ReportOptions options;
  options.period = {"2023-06-01", "2023-07-01"};
  options.top = 1;
  Report r = run_report(wh->connection(), options);
  EXPECT_EQ(r.top_songs.size(), 1u);
  EXPECT_EQ(r.top_locations.size(), 1u);
  ASSERT_EQ(r.user_listening.size(), 1u);
  EXPECT_EQ(r.user_listening[0].user_id, 3);  // most hours
  options.top = 10;
  options.user_id = 2;
  r = run_report(wh->connection(), options);
  ASSERT_EQ(r.user_listening.size(), 1u);
  EXPECT_EQ(r.user_listening[0].user_id, 2);
  EXPECT_EQ(r.top_songs.size(), 3u);
  // A known user who played nothing in the period: an empty list. An id the warehouse never
  // saw (a typo): an error, not the same empty list.
  options.period = {"2023-07-01", "2023-08-01"};
  EXPECT_TRUE(run_report(wh->connection(), options).user_listening.empty());
  options.user_id = 4;
  try {
    run_report(wh->connection(), options);
    ADD_FAILURE() << "an unknown user was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "--user 4: no such user in the warehouse");
  }
}

TEST_P(ReportTest, UsersWithoutNamesRankAfterNamedOnesOnBothDialects) {
  ScratchDatabase scratch(GetParam());
  auto wh = scratch.open();
  // Users 7 and 8 carry a userId but no names (both optional in the schema); each user listens
  // for one hour, so only the names and then the id order them.
  std::string text;
  int item = 0;
  for (const int user : {8, 1, 7, 2}) {
    std::string line = listen_json({kJune1 + item, user, "A", "Song", 3600}, item);
    if (user > 2) {
      line = R"({"artist":"A","song":"Song","duration":3600,"ts":)" +
             std::to_string(kJune1 + item) +
             R"(,"sessionId":1,"auth":"Logged In","level":"free","itemInSession":)" +
             std::to_string(item) +
             R"(,"city":"Tampa","zip":"1","state":"FL","userAgent":"UA","lon":1,"lat":2,)"
             R"("userId":)" +
             std::to_string(user) + "}\n";
    }
    text += line;
    ++item;
  }
  wh->load(decode_text(Stream::kListen, text));
  ReportOptions options;
  options.period = {"2023-06-01", "2023-06-02"};
  const Report r = run_report(wh->connection(), options);
  std::vector<std::int64_t> order;
  for (const UserRow& u : r.user_listening) order.push_back(u.user_id);
  EXPECT_EQ(order, (std::vector<std::int64_t>{1, 2, 7, 8}));
  EXPECT_EQ(r.user_listening[2].first_name, std::nullopt);
}

TEST_P(ReportTest, CsvAndTableRenderEverySection) {
  ScratchDatabase scratch(GetParam());
  auto wh = scratch.open();
  wh->load(listens({{kJune1, 1, "Crosby, Stills", R"(Say \"Hi\")", 7200}}));
  ReportOptions options;
  options.period = {"2023-06-01", "2023-06-02"};
  const Report r = run_report(wh->connection(), options);
  // One table: a header with the union of the lists' columns, then each list's rows.
  const std::string csv = report_csv(r);
  EXPECT_EQ(
      csv,
      "section,period_from,period_to,rank,city,state,page_views,listens,listening_hours,"
      "users,sessions,artist,song,plays,listeners,user_id,first_name,last_name,hours\r\n"
      "top_locations,2023-06-01,2023-06-02,1,Tampa,FL,0,1,2.000,1,1,,,,,,,,\r\n"
      "top_songs,2023-06-01,2023-06-02,1,,,,,,,,\"Crosby, Stills\",\"Say \"\"Hi\"\"\",1,1,,,,\r\n"
      "user_listening,2023-06-01,2023-06-02,1,,,,,,,,,,1,,1,Ann,Lee,2.000\r\n");
  const std::string table = report_table(r);
  EXPECT_NE(table.find("rank  user_id  first_name  last_name  plays  hours\n"
                       "----  -------  ----------  ---------  -----  -----\n"
                       "1     1        Ann         Lee            1   2.00\n"),
            std::string::npos)
      << table;
}

TEST_P(ReportTest, TheTableShowsControlCharactersEscaped) {
  ScratchDatabase scratch(GetParam());
  auto wh = scratch.open();
  // JSON escapes in the raw event: a newline, a tab, ESC (a terminal escape sequence) and CSI.
  wh->load(listens({{kJune1, 1, R"(Evil\u001b[2J)", R"(Line\nTwo\tTab\u009b)", 60}}));
  ReportOptions options;
  options.period = {"2023-06-01", "2023-06-02"};
  const Report r = run_report(wh->connection(), options);
  ASSERT_EQ(r.top_songs.size(), 1u);
  EXPECT_EQ(r.top_songs[0].song, "Line\nTwo\tTab\u009b");  // stored and in JSON/CSV verbatim
  const std::string table = report_table(r);
  EXPECT_NE(table.find("rank  artist       song                  plays  listeners\n"
                       "----  -----------  --------------------  -----  ---------\n"
                       "1     Evil\\x1b[2J  Line\\nTwo\\tTab\\u009b      1          1\n"),
            std::string::npos)
      << table;
  for (const char c : table) {
    EXPECT_TRUE(c == '\n' || (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f)) << int(c);
  }
}

// The default period ends with the newest day the facts cover, read from dim_date, which the BI
// role may read (the ledger is in a schema it may not).
TEST_P(ReportTest, TheNewestDayIsTheNewestDateOfTheFacts) {
  ScratchDatabase scratch(GetParam());
  auto wh = scratch.open();
  EXPECT_EQ(newest_event_day_ms(wh->connection()), std::nullopt);
  wh->load(listens({{kJune1 + 86400000 + 5000, 1, "Cure", "Late", 60},
                    {kJune1 + 3600000, 2, "Abba", "Waterloo", 1800}}));
  EXPECT_EQ(newest_event_day_ms(wh->connection()), kJune1 + 86400000);
}

TEST_P(ReportTest, BadPeriodsAreRejectedWithTheReason) {
  ScratchDatabase scratch(GetParam());
  auto wh = scratch.open();
  ReportOptions options;
  options.period = {"2023-06-02", "2023-06-01"};
  EXPECT_THROW(
      {
        try {
          run_report(wh->connection(), options);
        } catch (const std::invalid_argument& e) {
          EXPECT_NE(std::string(e.what()).find("empty period"), std::string::npos);
          throw;
        }
      },
      std::invalid_argument);
  options.period = {"2023-02-30", "2023-03-01"};
  EXPECT_THROW(run_report(wh->connection(), options), std::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(Dialects, ReportTest,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         testing::dialect_name);

}  // namespace
}  // namespace tributary::warehouse
