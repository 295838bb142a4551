// CloudWatchEmf: the ingest lag as Amazon CloudWatch metrics with no AWS API call and no IAM
// permission. Every interval it writes one line of CloudWatch Embedded Metric Format (EMF) JSON
// to a stream (stdout); on ECS the awslogs driver ships it to CloudWatch Logs, which turns it into
// metric data points in `name_space`, without dimensions:
//   IngestLagSeconds       seconds since the oldest raw object not yet committed landed in the
//                          source (the ledger's, so every worker reports the whole pipeline's)
//   PendingObjects         raw objects seen or claimed, not yet committed
//   NewestEventTimestamp   event time (epoch seconds) of the newest event this worker committed,
//   NewestEventAgeSeconds  and how old it is now: both left out until the worker commits a batch
// The queue of notifications is no measure of either: its messages are deleted once an object is
// recorded, long before it is committed (docs/decisions/0003).
//
// Invariants:
//  - One line is one complete JSON object, written with a single fwrite and flushed, so it never
//    interleaves with other output on the stream.
//  - A line is written when the emitter starts, every `interval`, and when it stops (a run to idle
//    reports its end state).
//  - A reading that throws (database out of reach) writes no line for that interval and is
//    logged as a warning; the emitter keeps going. stop() returns without waiting out an interval.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace tributary::server {

struct LagReading {
  double lag_seconds = 0;
  std::uint64_t pending_objects = 0;
  std::optional<double> newest_event_seconds;  // epoch seconds; none before the first commit
};

// The EMF line (without the newline) for `reading` taken at `now_ms` (epoch milliseconds).
std::string emf_line(std::string_view name_space, std::int64_t now_ms, const LagReading& reading);

// The namespace from TRIBUTARY_CLOUDWATCH_NAMESPACE; empty (no emitter) when unset. Throws
// std::invalid_argument when it is not a valid CloudWatch namespace (1..255 characters of
// letters, digits and . - _ / # :, not starting with a colon).
std::string cloudwatch_namespace_from_environment();

class CloudWatchEmf {
 public:
  using Read = std::function<LagReading()>;
  using Clock = std::function<std::int64_t()>;  // epoch milliseconds

  CloudWatchEmf(std::string name_space, std::chrono::milliseconds interval, Read read,
                std::FILE* out = stdout, Clock clock = {});
  ~CloudWatchEmf();
  CloudWatchEmf(const CloudWatchEmf&) = delete;
  CloudWatchEmf& operator=(const CloudWatchEmf&) = delete;

  // Writes the last line and ends the thread; safe to call twice.
  void stop();

 private:
  void emit();

  std::string name_space_;
  std::chrono::milliseconds interval_;
  Read read_;
  std::FILE* out_;
  Clock clock_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace tributary::server
