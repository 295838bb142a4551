#include "server/metrics.h"

#include <gtest/gtest.h>

#include <thread>

namespace tributary::server {
namespace {

TEST(Metrics, RendersCountersGaugesAndHistogramsInTextFormat) {
  MetricsRegistry r;
  r.counter("tributary_events_total", "Events decoded", {{"stream", "listen_events"}}).inc(866);
  r.counter("tributary_events_total", "Events decoded", {{"stream", "auth_events"}}).inc(4);
  r.gauge("tributary_lag_seconds", "Freshness lag").set(1.5);
  Histogram& h = r.histogram("tributary_batch_seconds", "Batch duration", {0.1, 1});
  h.observe(0.05);
  h.observe(0.1);
  h.observe(3);
  EXPECT_EQ(r.render(),
            "# HELP tributary_batch_seconds Batch duration\n"
            "# TYPE tributary_batch_seconds histogram\n"
            "tributary_batch_seconds_bucket{le=\"0.1\"} 2\n"
            "tributary_batch_seconds_bucket{le=\"1\"} 2\n"
            "tributary_batch_seconds_bucket{le=\"+Inf\"} 3\n"
            "tributary_batch_seconds_sum 3.15\n"
            "tributary_batch_seconds_count 3\n"
            "# HELP tributary_events_total Events decoded\n"
            "# TYPE tributary_events_total counter\n"
            "tributary_events_total{stream=\"auth_events\"} 4\n"
            "tributary_events_total{stream=\"listen_events\"} 866\n"
            "# HELP tributary_lag_seconds Freshness lag\n"
            "# TYPE tributary_lag_seconds gauge\n"
            "tributary_lag_seconds 1.5\n");
}

TEST(Metrics, EscapesLabelValuesAndHelp) {
  MetricsRegistry r;
  r.counter("x_total", "line1\nback\\slash", {{"reason", "wrong_type:\"a\"\\\n"}}).inc();
  EXPECT_EQ(r.render(),
            "# HELP x_total line1\\nback\\\\slash\n# TYPE x_total counter\n"
            "x_total{reason=\"wrong_type:\\\"a\\\"\\\\\\n\"} 1\n");
}

TEST(Metrics, SameSeriesIsTheSameObject) {
  MetricsRegistry r;
  Counter& a = r.counter("c_total", "h", {{"k", "v"}});
  Counter& b = r.counter("c_total", "h", {{"k", "v"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &r.counter("c_total", "h", {{"k", "w"}}));
}

TEST(Metrics, RejectsBadNamesAndTypeClashes) {
  MetricsRegistry r;
  EXPECT_THROW(r.counter("1bad", "h"), std::invalid_argument);
  EXPECT_THROW(r.counter("bad-name", "h"), std::invalid_argument);
  EXPECT_THROW(r.counter("ok_total", "h", {{"__reserved", "v"}}), std::invalid_argument);
  r.counter("ok_total", "h");
  EXPECT_THROW(r.gauge("ok_total", "h"), std::invalid_argument);
  EXPECT_THROW(r.counter("ok_total", "h", {{"k", "v"}}), std::invalid_argument);
  EXPECT_THROW(Histogram({1, 1}), std::invalid_argument);
}

TEST(Metrics, ConcurrentUpdatesAreNotLost) {
  MetricsRegistry r;
  Counter& c = r.counter("n_total", "h");
  Gauge& g = r.gauge("g", "h");
  Histogram& h = r.histogram("h_seconds", "h", latency_buckets());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.inc();
        g.add(1);
        h.observe(0.5);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.value(), 40000u);
  EXPECT_DOUBLE_EQ(g.value(), 40000);
  EXPECT_EQ(h.count(), 40000u);
  EXPECT_DOUBLE_EQ(h.sum(), 20000);
}

}  // namespace
}  // namespace tributary::server
