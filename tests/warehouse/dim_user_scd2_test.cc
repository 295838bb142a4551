// dim_user is a type-2 history of each user's level, derived from the levels observed on events
// in event-time order: it must not depend on arrival order or on duplicates.
#include <gtest/gtest.h>

#include "warehouse_test_support.h"

namespace tributary::warehouse {
namespace {

using event::Stream;
using testing::decode_text;
using testing::ScratchDatabase;

constexpr std::int64_t kT0 = 1700000000000;  // 2023-11-14T22:13:20Z
constexpr std::int64_t kForever = 253402300800000;

// One status change event of user 7 at kT0 + offset_s seconds.
std::string event_at(int offset_s, std::string_view level, std::int64_t registration = kT0) {
  return R"({"ts":)" + std::to_string(kT0 + offset_s * 1000LL) +
         R"(,"sessionId":70,"auth":"Logged In","level":")" + std::string(level) +
         R"(","itemInSession":)" + std::to_string(1000 + offset_s) +
         R"(,"city":"Tampa","zip":"33601","state":"FL","userAgent":"UA","lon":-82.4,"lat":27.9,"userId":7,"lastName":"Doe","firstName":"Jo","gender":"F","registration":)" +
         std::to_string(registration) + "}\n";
}

event::EventBatch events(std::initializer_list<std::string> lines) {
  std::string text;
  for (const auto& line : lines) text += line;
  return decode_text(Stream::kStatusChange, text);
}

// "level from to current" per version of user 7, times in seconds after kT0 (to = "inf" while
// current).
std::vector<std::string> versions(Warehouse& wh) {
  std::vector<std::string> out;
  const Dialect dialect = wh.connection().dialect();
  for (const SqlRow& r : wh.connection().query(
           "SELECT level, " + testing::epoch_ms(dialect, "valid_from") + ", " +
           testing::epoch_ms(dialect, "valid_to") +
           ", CASE WHEN is_current THEN 1 ELSE 0 END FROM dim_user WHERE user_id = 7"
           " ORDER BY valid_from")) {
    const std::int64_t from = std::stoll(*r[1]);
    const std::int64_t to = std::stoll(*r[2]);
    out.push_back(*r[0] + " " + std::to_string((from - kT0) / 1000) + " " +
                  (to == kForever ? "inf" : std::to_string((to - kT0) / 1000)) + " " + *r[3]);
  }
  return out;
}

class DimUserScd2Test : public ::testing::TestWithParam<Dialect> {};

TEST_P(DimUserScd2Test, UpgradeOpensANewCurrentVersion) {
  ScratchDatabase scratch(GetParam());
  auto wh = scratch.open();
  wh->load(events(
      {event_at(0, "free"), event_at(10, "free"), event_at(20, "paid"), event_at(30, "paid")}));
  EXPECT_EQ(versions(*wh), (std::vector<std::string>{"free 0 20 0", "paid 20 inf 1"}));
}

TEST_P(DimUserScd2Test, DowngradeAcrossBatches) {
  ScratchDatabase scratch(GetParam());
  auto wh = scratch.open();
  wh->load(events({event_at(0, "paid"), event_at(10, "paid")}));
  EXPECT_EQ(versions(*wh), (std::vector<std::string>{"paid 0 inf 1"}));
  wh->load(events({event_at(20, "free")}));
  EXPECT_EQ(versions(*wh), (std::vector<std::string>{"paid 0 20 0", "free 20 inf 1"}));
}

TEST_P(DimUserScd2Test, OutOfOrderArrivalSplitsTheRightVersion) {
  ScratchDatabase scratch(GetParam());
  auto wh = scratch.open();
  wh->load(events({event_at(30, "free"), event_at(40, "free")}));
  wh->load(events({event_at(0, "free")}));
  // A paid period discovered late, in the middle of the free history.
  wh->load(events({event_at(20, "paid"), event_at(10, "paid")}));
  EXPECT_EQ(versions(*wh),
            (std::vector<std::string>{"free 0 10 0", "paid 10 30 0", "free 30 inf 1"}));
}

TEST_P(DimUserScd2Test, DuplicateEventsChangeNothing) {
  ScratchDatabase scratch(GetParam());
  auto wh = scratch.open();
  const auto batch = events({event_at(0, "free"), event_at(20, "paid"), event_at(20, "paid")});
  EXPECT_EQ(wh->load(batch).duplicates, 1u);
  const auto before = versions(*wh);
  EXPECT_EQ(wh->load(batch).new_rows, 0u);
  EXPECT_EQ(versions(*wh), before);
  EXPECT_EQ(before, (std::vector<std::string>{"free 0 20 0", "paid 20 inf 1"}));
}

TEST_P(DimUserScd2Test, LevelSeenBeforeRegistrationStartsTheHistory) {
  ScratchDatabase scratch(GetParam());
  auto wh = scratch.open();
  // eventsim can emit events timestamped before the user's registration.
  wh->load(events({event_at(50, "free", kT0 + 100000), event_at(-60, "paid", kT0 + 100000)}));
  EXPECT_EQ(versions(*wh), (std::vector<std::string>{"paid -60 50 0", "free 50 inf 1"}));
  EXPECT_EQ(testing::scalar(wh->connection(),
                            "SELECT count(*) FROM dim_user WHERE user_id = 7 AND " +
                                testing::epoch_ms(GetParam(), "registration") + " = 1700000100000"),
            "2");
}

TEST_P(DimUserScd2Test, BothLevelsAtOneInstantKeepPaidWhateverTheOrder) {
  for (bool paid_first : {true, false}) {
    ScratchDatabase scratch(GetParam());
    auto wh = scratch.open();
    std::string free = event_at(10, "free");
    std::string paid = event_at(10, "paid");
    // Same ts, different itemInSession: two distinct events.
    paid.replace(paid.find("\"itemInSession\":1010"), 20, "\"itemInSession\":1011");
    wh->load(events({event_at(0, "free")}));
    wh->load(events({paid_first ? paid : free}));
    wh->load(events({paid_first ? free : paid}));
    EXPECT_EQ(versions(*wh), (std::vector<std::string>{"free 0 10 0", "paid 10 inf 1"}))
        << "paid first: " << paid_first;
  }
}

TEST_P(DimUserScd2Test, ViewsJoinTheVersionValidAtEventTime) {
  ScratchDatabase scratch(GetParam());
  auto wh = scratch.open();
  wh->load(events({event_at(0, "free"), event_at(20, "paid")}));
  // A listen at +10 s belongs to the free version, whatever the current level.
  const std::string listen =
      R"({"artist":"A","song":"S","duration":100.5,"ts":)" + std::to_string(kT0 + 10000) +
      R"(,"sessionId":70,"auth":"Logged In","level":"free","itemInSession":99,"city":"Tampa","zip":"33601","state":"FL","userAgent":"UA","lon":-82.4,"lat":27.9,"userId":7,"lastName":"Doe","firstName":"Jo","gender":"F","registration":1700000000000})"
      "\n";
  wh->load(decode_text(Stream::kListen, listen));
  EXPECT_EQ(testing::scalar(wh->connection(),
                            "SELECT u.level FROM fact_listen f JOIN dim_user u ON u.user_id ="
                            " f.user_id AND f.ts >= u.valid_from AND f.ts < u.valid_to"),
            "free");
}

TEST_P(DimUserScd2Test, LaterEventsExtendHistoryAndNamesFollowTheLatestEvent) {
  ScratchDatabase scratch(GetParam());
  auto wh = scratch.open();
  wh->load(events({event_at(0, "free"), event_at(100, "paid"), event_at(200, "free")}));
  std::string renamed = event_at(250, "paid");
  renamed.replace(renamed.find("\"Jo\""), 4, "\"Joanna\"");
  wh->load(events({renamed, event_at(150, "paid")}));
  EXPECT_EQ(versions(*wh), (std::vector<std::string>{"free 0 100 0", "paid 100 200 0",
                                                     "free 200 250 0", "paid 250 inf 1"}));
  EXPECT_EQ(testing::scalar(wh->connection(),
                            "SELECT count(*) FROM dim_user WHERE first_name = 'Joanna'"),
            "4");
  // An event inside the first version splits it; later versions are rebuilt unchanged.
  wh->load(events({event_at(50, "paid")}));
  EXPECT_EQ(versions(*wh), (std::vector<std::string>{"free 0 50 0", "paid 50 200 0",
                                                     "free 200 250 0", "paid 250 inf 1"}));
}

TEST_P(DimUserScd2Test, AProfileChangeWithoutALevelChangeReachesEveryVersion) {
  ScratchDatabase scratch(GetParam());
  auto wh = scratch.open();
  wh->load(events({event_at(0, "free"), event_at(100, "paid")}));
  // Points that repeat their version's level rebuild nothing, but the names they carry are the
  // user's latest: every version takes them.
  std::string renamed = event_at(150, "paid");
  renamed.replace(renamed.find("\"Jo\""), 4, "\"Joanna\"");
  wh->load(events({event_at(50, "free"), renamed}));
  EXPECT_EQ(versions(*wh), (std::vector<std::string>{"free 0 100 0", "paid 100 inf 1"}));
  EXPECT_EQ(testing::scalar(wh->connection(),
                            "SELECT count(*) FROM dim_user WHERE first_name = 'Joanna'"),
            "2");
}

INSTANTIATE_TEST_SUITE_P(Dialects, DimUserScd2Test,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         testing::dialect_name);

}  // namespace
}  // namespace tributary::warehouse
