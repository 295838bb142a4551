#include "ingest/listing_poller.h"

#include <gtest/gtest.h>

#include <set>

#include "ingest/fluentd_key.h"
#include "store/file_store.h"
#include "store/temp_dir.h"

namespace tributary::ingest {
namespace {

using namespace std::chrono;
using event::Stream;

system_clock::time_point at(int y, int mo, int d, int h) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  return system_clock::from_time_t(timegm(&tm));
}

std::set<std::string> keys(const PollResult& r) {
  std::set<std::string> out;
  for (const ListedObject& o : r.objects) out.insert(o.info.key);
  return out;
}

TEST(FluentdKey, ParsesFluentdNames) {
  const auto k = parse_fluentd_key("Raw/listen_events/2023061719_20.json", "Raw/");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->stream, Stream::kListen);
  EXPECT_EQ(k->time_slice, "2023061719");
  EXPECT_EQ(k->index, 20);
  EXPECT_EQ(k->extension, "json");
  const auto gz = parse_fluentd_key("Raw/auth_events/2023061719_0.gz", "Raw/");
  ASSERT_TRUE(gz);
  EXPECT_EQ(gz->extension, "gz");
  const auto odd = parse_fluentd_key("Raw/page_view_events/renamed by hand.txt", "Raw/");
  ASSERT_TRUE(odd);
  EXPECT_EQ(odd->time_slice, "");
  EXPECT_EQ(odd->index, -1);
  EXPECT_EQ(odd->extension, "txt");
  EXPECT_FALSE(parse_fluentd_key("Raw/unknown/2023061719_1.json", "Raw/"));
  EXPECT_FALSE(parse_fluentd_key("Other/listen_events/2023061719_1.json", "Raw/"));
  EXPECT_FALSE(parse_fluentd_key("Raw/listen_events/sub/2023061719_1.json", "Raw/"));
  EXPECT_EQ(time_slice_of(at(2023, 6, 17, 19) + minutes(59)), "2023061719");
}

class ListingPollerTest : public ::testing::Test {
 protected:
  void put(const std::string& key) { store.put(key, "{}"); }

  tributary::testing::TempDir dir;
  store::FileStore store{dir.path()};
};

TEST_F(ListingPollerTest, IndexTenSortsBeforeIndexTwoAndNothingIsMissed) {
  put("Raw/listen_events/2023061719_2.json");
  ListingPoller poller(store, {});
  const auto now = at(2023, 6, 17, 19);
  EXPECT_EQ(keys(poller.poll(now)), std::set<std::string>{"Raw/listen_events/2023061719_2.json"});
  // _10 arrives after _2 but sorts before it: a "last key seen" cursor would skip it.
  put("Raw/listen_events/2023061719_10.json");
  const PollResult second = poller.poll(now + seconds(1));
  EXPECT_FALSE(second.full_sweep);
  EXPECT_TRUE(keys(second).contains("Raw/listen_events/2023061719_10.json"));
}

TEST_F(ListingPollerTest, LookbackListsRecentSlicesAndTheSweepFindsOldOnes) {
  const auto now = at(2023, 6, 17, 19);
  ListingPollerOptions options;
  options.streams = {Stream::kListen, Stream::kAuth};
  options.lookback = hours(2);
  options.full_sweep_interval = minutes(5);
  ListingPoller poller(store, options);
  EXPECT_TRUE(poller.poll(now).full_sweep);  // the first poll sweeps everything

  put("Raw/listen_events/2023061718_0.json");  // within the lookback
  put("Raw/listen_events/2023061609_3.gz");    // a late upload into a day-old slice
  put("Raw/auth_events/2023061719_0.json");
  put("Raw/page_view_events/2023061719_0.json");  // not a followed stream
  const PollResult quick = poller.poll(now + minutes(1));
  EXPECT_FALSE(quick.full_sweep);
  EXPECT_EQ(keys(quick), (std::set<std::string>{"Raw/auth_events/2023061719_0.json",
                                                "Raw/listen_events/2023061718_0.json"}));
  const PollResult sweep = poller.poll(now + minutes(5));
  EXPECT_TRUE(sweep.full_sweep);
  EXPECT_TRUE(keys(sweep).contains("Raw/listen_events/2023061609_3.gz"));
  for (const ListedObject& o : sweep.objects) {
    EXPECT_EQ(o.stream, o.info.key.starts_with("Raw/auth") ? Stream::kAuth : Stream::kListen);
  }
}

TEST_F(ListingPollerTest, PaginatesThroughLargePrefixes) {
  for (int i = 0; i < 25; ++i) put("Raw/listen_events/2023061719_" + std::to_string(i) + ".json");
  ListingPollerOptions options;
  options.streams = {Stream::kListen};
  options.list_page_size = 10;
  ListingPoller poller(store, options);
  const PollResult r = poller.poll(at(2023, 6, 17, 20));
  EXPECT_EQ(keys(r).size(), 25u);
  EXPECT_EQ(r.objects.size(), 25u);
  EXPECT_EQ(r.list_requests, 3u);
}

}  // namespace
}  // namespace tributary::ingest
