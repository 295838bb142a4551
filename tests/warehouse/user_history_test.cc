// The loader's own computation of dim_user versions and user profiles (warehouse/user_history.h);
// dim_user_scd2_test.cc checks what a load stores from them on both dialects.
#include "warehouse/user_history.h"

#include <gtest/gtest.h>

#include "warehouse_test_support.h"

namespace tributary::warehouse {
namespace {

std::string show(const std::vector<UserVersion>& versions) {
  std::string out;
  for (const UserVersion& v : versions) {
    out += std::to_string(v.user_id) + ":" + v.level + "@" + std::to_string(v.valid_from) + "-" +
           (v.valid_to == kOpenEndMs ? "inf" : std::to_string(v.valid_to)) +
           (v.is_current ? "*" : "") + " ";
  }
  return out;
}

TEST(UserVersions, AVersionStartsWhereTheLevelChanges) {
  const std::vector<ObservedLevel> rows = {
      {1, 10, "free", std::nullopt}, {1, 20, "free", std::nullopt}, {1, 30, "paid", std::nullopt},
      {1, 40, "free", std::nullopt}, {2, 5, "paid", std::nullopt},  {2, 6, "paid", std::nullopt}};
  EXPECT_EQ(show(user_versions(rows)), "1:free@10-30 1:paid@30-40 1:free@40-inf* 2:paid@5-inf* ");
}

TEST(UserVersions, TheLevelBeforeTheRebuiltSpanIsContinued) {
  // Rebuilding after a point in a "paid" version: the same level starts nothing, a change does.
  const std::vector<ObservedLevel> rows = {
      {3, 50, "paid", "paid"}, {3, 60, "free", "paid"}, {4, 70, "paid", "paid"}};
  EXPECT_EQ(show(user_versions(rows)), "3:free@60-inf* ");
}

TEST(UserVersions, TwoLevelsAtOneInstantKeepTheGreaterWhateverTheirOrder) {
  const std::vector<ObservedLevel> paid_first = {
      {1, 10, "free", std::nullopt}, {1, 20, "paid", std::nullopt}, {1, 20, "free", std::nullopt}};
  const std::vector<ObservedLevel> free_first = {
      {1, 10, "free", std::nullopt}, {1, 20, "free", std::nullopt}, {1, 20, "paid", std::nullopt}};
  EXPECT_EQ(show(user_versions(paid_first)), "1:free@10-20 1:paid@20-inf* ");
  EXPECT_EQ(show(user_versions(free_first)), "1:free@10-20 1:paid@20-inf* ");
  EXPECT_EQ(show(user_versions({})), "");
}

TEST(LatestProfiles, TheLatestObservationWinsAndAtOneInstantTheGreaterLevel) {
  const auto line = [](int ts, std::string_view level, std::string_view first) {
    return R"({"ts":)" + std::to_string(1700000000000LL + ts) +
           R"(,"sessionId":1,"auth":"Logged In","level":")" + std::string(level) +
           R"(","itemInSession":)" + std::to_string(ts) +
           R"(,"city":"Tampa","zip":"33601","state":"FL","userAgent":"UA","lon":-82.4,"lat":27.9,"userId":7,"lastName":"Doe","firstName":")" +
           std::string(first) + R"(","gender":"F","registration":1600000000000})" + "\n";
  };
  const std::string anonymous =
      R"({"ts":1700000009000,"sessionId":2,"auth":"Logged Out","level":"free","itemInSession":0,"city":"Tampa","zip":"33601","state":"FL","userAgent":"UA","lon":-82.4,"lat":27.9})"
      "\n";
  const event::EventBatch batch = testing::decode_text(
      event::Stream::kStatusChange, line(30, "paid", "Late") + line(10, "free", "Early") +
                                        line(30, "free", "Same instant") + anonymous);
  const std::vector<UserProfile> profiles = latest_profiles(batch);
  ASSERT_EQ(profiles.size(), 1U);
  EXPECT_EQ(profiles[0].user_id, 7);
  EXPECT_EQ(profiles[0].observed_at, 1700000000030);
  EXPECT_EQ(profiles[0].observed_level, "paid");
  EXPECT_EQ(profiles[0].first_name, "Late");
  EXPECT_EQ(profiles[0].registration, 1600000000000);
}

}  // namespace
}  // namespace tributary::warehouse
