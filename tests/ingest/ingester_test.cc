// The Ingester end to end on file stores and SQLite, as `tributary run --until-idle` drives it:
// what its metrics and status board say about the raw lines it read.
#include "ingest/ingester.h"

#include <gtest/gtest.h>

#include <sstream>

#include "server/metrics.h"
#include "server/status_board.h"
#include "store/file_store.h"
#include "store/temp_dir.h"

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
  Ingester ingester(config, metrics);
  ingester.set_status_board(&board);
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

}  // namespace
}  // namespace tributary::ingest
