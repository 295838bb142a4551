// The Ingester end to end on file stores and SQLite, as `tributary run --until-idle` drives it:
// what its metrics and status board say about the raw lines it read, and that a run to idle that
// follows some streams ends once they are done, whatever other streams' claims the shared ledger
// holds.
#include "ingest/ingester.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <sstream>

#include "ingest/ledger.h"
#include "server/ingest_telemetry.h"
#include "server/metrics.h"
#include "server/status_board.h"
#include "store/file_store.h"
#include "store/temp_dir.h"
#include "util/clock.h"
#include "warehouse/warehouse.h"

namespace tributary::ingest {
namespace {

// The quarantine reason of a line with an unknown field names that field, and raw lines choose
// their keys: the metric's `reason` label (and the status board's reasons) must stay a fixed set
// whatever keys arrive, or each new key is a new series, kept and served forever.
TEST(Ingester, QuarantineReasonsOfUnknownKeysShareOneLabelValue) {
  testing::TempDir dir;
  store::FileStore raw(dir.path() / "raw");
  std::string object;
  constexpr int kKeys = 300;
  for (int i = 0; i < kKeys; ++i) {
    const std::string key = "k" + std::to_string(i) + std::string(200, 'x');
    object += R"({"ts":1703438319902,")" + key + R"(":1,")" + key + "\":2}\n";
    object += R"({"ts":1703438319902,"n)" + std::to_string(i) + "\":1e400}\n";
  }
  object += "{\"ts\":1703438319902,\"ts\":1703438319903}\nthis is not json\n";
  raw.put("Raw/page_view_events/2024010100_0.json", object);
  IngestConfig config;
  config.source = "file://" + (dir.path() / "raw").string();
  config.lake = "file://" + (dir.path() / "lake").string();
  config.state = "sqlite://" + (dir.path() / "state.db").string();
  config.http_enabled = false;
  finalize_config(config);
  server::MetricsRegistry metrics;
  server::StatusBoard board;
  server::IngestTelemetry telemetry(metrics, &board);
  Ingester ingester(config, telemetry);
  const IngestTotals totals = ingester.run(/*until_idle=*/true);
  ASSERT_EQ(totals.quarantined, 2u * kKeys + 2);

  std::istringstream rendered(metrics.render());
  std::vector<std::string> series;
  for (std::string line; std::getline(rendered, line);) {
    if (line.starts_with("tributary_events_quarantined_total{")) series.push_back(line);
  }
  ASSERT_EQ(series.size(), 4u) << series.front();
  const std::string prefix = R"(tributary_events_quarantined_total{stream="page_view_events",)";
  EXPECT_EQ(series, (std::vector<std::string>{
                        prefix + R"(reason="duplicate_field:extra"} 300)",
                        prefix + R"(reason="duplicate_field:ts"} 1)",
                        prefix + R"(reason="invalid_json"} 1)",
                        prefix + R"(reason="out_of_range:extra"} 300)",
                    }));
  const std::string status = board.json();
  EXPECT_NE(status.find(R"({"reason":"duplicate_field:extra","count":300,)"), std::string::npos)
      << status.substr(0, 2000);
  EXPECT_EQ(status.find("\"reason\":\"duplicate_field:k"), std::string::npos);
}

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

  IngestObserver ignored;
  Ingester ingester(config, ignored);
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
