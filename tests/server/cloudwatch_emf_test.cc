#include "server/cloudwatch_emf.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <stdexcept>
#include <string>

namespace tributary::server {
namespace {

TEST(EmfLine, DeclaresEveryMetricItCarries) {
  LagReading r;
  r.lag_seconds = 42.5;
  r.pending_objects = 7;
  r.newest_event_seconds = 1'700'000'000.5;
  EXPECT_EQ(
      emf_line("Tributary", 1'700'000'090'000, r),
      R"({"_aws":{"Timestamp":1700000090000,"CloudWatchMetrics":[{"Namespace":"Tributary",)"
      R"("Dimensions":[[]],"Metrics":[{"Name":"IngestLagSeconds","Unit":"Seconds"},)"
      R"({"Name":"PendingObjects","Unit":"Count"},{"Name":"NewestEventTimestamp","Unit":"None"},)"
      R"({"Name":"NewestEventAgeSeconds","Unit":"Seconds"}]}]},"IngestLagSeconds":42.5,)"
      R"("PendingObjects":7,"NewestEventTimestamp":1700000000.5,"NewestEventAgeSeconds":89.5})");
}

TEST(EmfLine, LeavesOutTheNewestEventBeforeTheFirstCommit) {
  const std::string line = emf_line("Tributary", 1000, LagReading{});
  EXPECT_EQ(line.find("NewestEvent"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("IngestLagSeconds":0,"PendingObjects":0})"), std::string::npos) << line;
}

// Reads what the emitter wrote to a temporary file, line by line.
std::string contents(std::FILE* f) {
  std::rewind(f);
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
  return out;
}

TEST(CloudWatchEmf, WritesALineAtStartAndAtStop) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  int reads = 0;
  {
    // An interval far longer than the test: only the start and stop lines are written.
    CloudWatchEmf emf(
        "Tributary", std::chrono::hours(1),
        [&] {
          ++reads;
          return LagReading{static_cast<double>(reads), 1, std::nullopt};
        },
        f, [] { return std::int64_t{5000}; });
    emf.stop();
    emf.stop();  // twice is harmless
  }
  const std::string out = contents(f);
  std::fclose(f);
  EXPECT_EQ(reads, 2);
  EXPECT_EQ(out, emf_line("Tributary", 5000, LagReading{1, 1, std::nullopt}) + "\n" +
                     emf_line("Tributary", 5000, LagReading{2, 1, std::nullopt}) + "\n");
}

TEST(CloudWatchEmf, AFailedReadingWritesNothingAndTheEmitterGoesOn) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  int reads = 0;
  CloudWatchEmf emf(
      "Tributary", std::chrono::hours(1),
      [&]() -> LagReading {
        if (++reads == 1) throw std::runtime_error("database out of reach");
        return LagReading{3, 2, std::nullopt};
      },
      f, [] { return std::int64_t{7000}; });
  emf.stop();
  const std::string out = contents(f);
  std::fclose(f);
  EXPECT_EQ(out, emf_line("Tributary", 7000, LagReading{3, 2, std::nullopt}) + "\n");
}

TEST(CloudWatchNamespace, ComesFromTheEnvironmentAndIsChecked) {
  unsetenv("TRIBUTARY_CLOUDWATCH_NAMESPACE");
  EXPECT_EQ(cloudwatch_namespace_from_environment(), "");
  setenv("TRIBUTARY_CLOUDWATCH_NAMESPACE", "Tributary/prod", 1);
  EXPECT_EQ(cloudwatch_namespace_from_environment(), "Tributary/prod");
  setenv("TRIBUTARY_CLOUDWATCH_NAMESPACE", "Tributary prod", 1);
  EXPECT_THROW(cloudwatch_namespace_from_environment(), std::invalid_argument);
  setenv("TRIBUTARY_CLOUDWATCH_NAMESPACE", ":Tributary", 1);
  EXPECT_THROW(cloudwatch_namespace_from_environment(), std::invalid_argument);
  unsetenv("TRIBUTARY_CLOUDWATCH_NAMESPACE");
}

}  // namespace
}  // namespace tributary::server
