// IngestTelemetry: each ingest occurrence lands in the metrics `tributary run` serves (names and
// labels of docs/operations.md) and, with a board, on the status page.
#include "server/ingest_telemetry.h"

#include <gtest/gtest.h>

#include <string>

namespace tributary::server {
namespace {

struct TelemetryTest : ::testing::Test {
  bool rendered(const std::string& line) {
    const std::string text = metrics.render();
    return text.find("\n" + line + "\n") != std::string::npos;
  }
  MetricsRegistry metrics;
  StatusBoard board{[] { return std::int64_t{1'000'000}; }};
  IngestTelemetry telemetry{metrics, &board};
};

TEST_F(TelemetryTest, DiscoveryAndBacklog) {
  telemetry.observe(ingest::ListingPolled{3, 2});
  telemetry.observe(ingest::HintsRecorded{5, 1});
  telemetry.observe(ingest::BacklogMeasured{4, 12.5});
  EXPECT_TRUE(rendered("tributary_objects_discovered_total 4")) << metrics.render();
  EXPECT_TRUE(rendered("tributary_list_requests_total 2"));
  EXPECT_TRUE(rendered("tributary_notifications_total 5"));
  EXPECT_TRUE(rendered("tributary_objects_pending 4"));
  EXPECT_TRUE(rendered("tributary_lag_seconds 12.5"));
  const std::string j = board.json();
  EXPECT_NE(j.find(R"({"stage":"discovered","unit":"objects","count":4,)"), std::string::npos) << j;
}

TEST_F(TelemetryTest, ACommittedBatch) {
  ingest::BatchCommitted e;
  e.stream = "listen_events";
  e.batch_id = "b1";
  e.seconds = 0.5;
  e.objects = 2;
  e.vanished = 1;
  e.bytes_read = 300;
  e.events = 10;
  e.new_events = 7;
  e.duplicates = 3;
  e.quarantined = 2;
  e.files = 1;
  e.bytes_written = 90;
  e.max_event_ts_ms = 1'703'442'637'000;
  e.reasons["invalid_json"] = 2;
  e.samples["invalid_json"] = {"Raw/x/1_0.json:3", "not json"};
  e.unreadable.push_back({"Raw/x/2_0.json", "access denied"});
  telemetry.observe(e);
  const std::string s = R"({stream="listen_events"})";
  EXPECT_TRUE(rendered("tributary_objects_committed_total" + s + " 2")) << metrics.render();
  EXPECT_TRUE(rendered("tributary_objects_vanished_total" + s + " 1"));
  EXPECT_TRUE(rendered("tributary_objects_failed_total" + s + " 1"));
  EXPECT_TRUE(rendered("tributary_lines_read_total" + s + " 12"));
  EXPECT_TRUE(rendered(R"(tributary_events_total{stream="listen_events",outcome="new"} 7)"));
  EXPECT_TRUE(rendered(
      R"(tributary_events_quarantined_total{stream="listen_events",reason="invalid_json"} 2)"));
  EXPECT_TRUE(rendered("tributary_batch_duration_seconds_count 1"));
  EXPECT_NE(metrics.render().find("\ntributary_newest_event_timestamp_seconds" + s + " 1703442637"),
            std::string::npos);
  const std::string j = board.json();
  EXPECT_NE(j.find("Raw/x/2_0.json (listen_events)"), std::string::npos) << j;
  EXPECT_NE(j.find(R"("where":"Raw/x/1_0.json:3","sample":"not json")"), std::string::npos) << j;
}

TEST_F(TelemetryTest, FailuresOutagesAndStoreAttempts) {
  telemetry.observe(ingest::BatchFailed{"auth_events", "b2", 3, "decode failed"});
  telemetry.observe(ingest::PublishFailed{"auth_events", "b3", "lake refused"});
  telemetry.observe(ingest::OutageWaited{"database", "connection refused"});
  telemetry.observe(ingest::StoreAttempt{"source", "get", "slow_down", true});
  telemetry.observe(ingest::StoreAttempt{"source", "get", "ok", false});
  EXPECT_TRUE(rendered(R"(tributary_batches_failed_total{stream="auth_events"} 1)"))
      << metrics.render();
  EXPECT_TRUE(rendered(R"(tributary_objects_failed_total{stream="auth_events"} 3)"));
  EXPECT_TRUE(rendered(R"(tributary_publish_failures_total{stream="auth_events"} 1)"));
  EXPECT_TRUE(rendered(R"(tributary_outages_total{dependency="database"} 1)"));
  EXPECT_TRUE(rendered(
      R"(tributary_s3_requests_total{store="source",operation="get",outcome="slow_down"} 1)"));
  EXPECT_TRUE(rendered(
      R"(tributary_s3_retries_total{store="source",operation="get",reason="slow_down"} 1)"));
  EXPECT_EQ(metrics.render().find(R"(reason="ok")"), std::string::npos);
  const std::string j = board.json();
  EXPECT_NE(j.find("batch b2 (auth_events)"), std::string::npos) << j;
  EXPECT_NE(j.find("database out of reach"), std::string::npos) << j;
}

TEST_F(TelemetryTest, SqsCountsAndNoBoard) {
  MetricsRegistry only;
  IngestTelemetry metrics_only(only);
  metrics_only.observe(ingest::SqsMessages{"received", 4});
  metrics_only.observe(ingest::SqsHints{6});
  metrics_only.observe(ingest::SqsErrors{1});
  metrics_only.observe(ingest::BatchFailed{"auth_events", "b4", 1, "x"});
  const std::string text = only.render();
  EXPECT_NE(text.find("\ntributary_sqs_messages_total{outcome=\"received\"} 4\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\ntributary_sqs_hints_total 6\n"), std::string::npos);
  EXPECT_NE(text.find("\ntributary_sqs_errors_total 1\n"), std::string::npos);
}

}  // namespace
}  // namespace tributary::server
