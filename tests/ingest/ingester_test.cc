// Ingester, the loop of `tributary run`, on a file:// source and lake and a SQLite state database:
// a run to idle that follows some streams ends once they are done, whatever other streams' claims
// the shared ledger holds.
#include "ingest/ingester.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "ingest/ledger.h"
#include "store/file_store.h"
#include "store/temp_dir.h"
#include "util/clock.h"
#include "warehouse/warehouse.h"

namespace tributary::ingest {
namespace {

const std::string kAuth =
    R"({"ts":1703438319902,"sessionId":729,"level":"paid","itemInSession":0,"city":"Anaheim",)"
    R"("zip":"92806","state":"CA","userAgent":"Mozilla/5.0","lon":-117.870494,"lat":33.83796,)"
    R"("userId":730,"lastName":"Johnson","firstName":"Andre","gender":"M",)"
    R"("registration":1703420928902,"success":true})";
const std::string kListen =
    R"({"artist":"Selena","song":"I Could Fall In Love","duration":278.3081,"ts":1661129352330,)"
    R"("sessionId":20213,"auth":"Logged In","level":"paid","itemInSession":28,"city":"Alhambra",)"
    R"("zip":"91803","state":"CA","userAgent":"x","lon":-118.145959,"lat":34.074736})";

TEST(Ingester, ARunToIdleDoesNotWaitForClaimsOfStreamsItDoesNotFollow) {
  const testing::TempDir dir;
  store::FileStore source((dir.path() / "raw").string());
  const std::string auth_key = "Raw/auth_events/2024010100_0.json";
  const std::string listen_key = "Raw/listen_events/2024010100_0.json";
  std::vector<ListedObject> listed;
  listed.push_back({event::Stream::kAuth, source.put(auth_key, kAuth + "\n")});
  listed.push_back({event::Stream::kListen, source.put(listen_key, kListen + "\n")});

  IngestConfig config;
  config.source = "file://" + (dir.path() / "raw").string();
  config.lake = "file://" + (dir.path() / "lake").string();
  config.state = "sqlite://" + (dir.path() / "state.db").string();
  config.streams = {event::Stream::kAuth};
  config.http_enabled = false;
  config.poll_interval = std::chrono::milliseconds(10);
  finalize_config(config);

  server::MetricsRegistry metrics;
  Ingester ingester(config, metrics);
  // Another worker, following listen_events, holds a claim (its lease runs for an hour; were it
  // dead, no worker of this run's streams would ever take it over either).
  const auto state = warehouse::Warehouse::open(config.state);
  Ledger other(*state, "listen-worker");
  const std::string extensions[] = {"json"};
  ASSERT_EQ(other.record_listing(listed, extensions, util::unix_time_ms()), 2u);
  ClaimLimits hour;
  hour.lease_ms = 3'600'000;
  ASSERT_TRUE(other.claim(event::Stream::kListen, hour, util::unix_time_ms()));

  std::future<IngestTotals> run =
      std::async(std::launch::async, [&] { return ingester.run(/*until_idle=*/true); });
  if (run.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
    ingester.stop();
    run.wait();
    FAIL() << "the run to idle of auth_events waited for a listen_events claim";
  }
  const IngestTotals totals = run.get();
  EXPECT_EQ(totals.objects, 1u);
  EXPECT_EQ(totals.new_events, 1u);
  const warehouse::SqlValue auth[] = {auth_key};
  EXPECT_EQ(state->connection().query("SELECT status FROM ingest_object WHERE object_key = $1",
                                      auth)[0][0],
            "committed");
  EXPECT_EQ(other.counts().claimed, 1u);  // the listen object, still the other worker's
}

}  // namespace
}  // namespace tributary::ingest
