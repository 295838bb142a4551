// StatusBoard: what the status page (GET / and GET /status.json) shows about this process —
// pipeline stage totals and rates, backlog and lag, a throughput ring over the last minutes, the
// top quarantine reasons with the last rejected line of each, recent errors, and the warehouse's
// current top lists (from a provider, cached).
//
// Invariants:
//  - Thread-safe: the ingest loop records, HTTP threads read. Recording never waits for the
//    warehouse: the top lists are computed under a mutex of their own, outside the counters'.
//  - The top lists are recomputed when a batch committed since the last computation, else at
//    most every kTopListsTtlMs; a provider that throws shows {"error": message}.
//  - Memory is bounded: a fixed throughput ring, at most kMaxReasons quarantine reasons (the
//    rarest newcomer is dropped past that), at most kMaxErrors recent errors.
//  - Texts are stored as given; callers redact secrets before recording (util::redact). json()
//    replaces invalid UTF-8 (quarantined lines may hold any bytes) by U+FFFD.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "server/throughput_ring.h"

namespace tributary::server {

// One committed batch, as the board counts it.
struct BatchRecord {
  std::string stream;
  std::uint64_t objects = 0, vanished = 0, bytes_read = 0;
  std::uint64_t events = 0, new_events = 0, duplicates = 0, quarantined = 0;
  std::uint64_t files = 0, bytes_written = 0;
  std::int64_t max_event_ts_ms = 0;
  std::map<std::string, std::uint64_t> reasons;  // quarantined lines by reason
  struct Sample {
    std::string where, line;
  };
  std::map<std::string, Sample> samples;  // the batch's last rejected line per reason
};

class StatusBoard {
 public:
  static constexpr std::size_t kMaxReasons = 50;
  static constexpr std::size_t kMaxErrors = 20;
  static constexpr std::int64_t kSlotMs = 5000;  // throughput chart: 5 s slots
  static constexpr std::size_t kSlots = 120;     // over the last 10 minutes
  static constexpr std::int64_t kTopListsTtlMs = 10000;

  using Clock = std::function<std::int64_t()>;  // epoch milliseconds
  // Returns the warehouse's current top lists as report JSON (report_json), or throws.
  using TopListsProvider = std::function<std::string()>;

  explicit StatusBoard(Clock clock = {});

  void record_discovered(std::uint64_t objects);
  void record_batch(const BatchRecord& batch);
  void record_failure(std::string_view where, std::string message);
  // `lag_seconds`: since the oldest pending object landed in the source (its LastModified), as
  // Ledger::Backlog::lag_seconds reads it; not since tributary first listed it.
  void record_backlog(std::uint64_t pending_objects, double lag_seconds);
  void set_top_lists(TopListsProvider provider);
  void set_report_link(std::string href);

  // The page's data; see docs/operations.md ("Status page") for the fields.
  std::string json();

 private:
  struct Reason {
    std::uint64_t count = 0;
    BatchRecord::Sample sample;
  };
  struct Failure {
    std::int64_t at_ms;
    std::string where, message;
  };
  std::string counters_json(std::uint64_t& batches);  // takes mutex_
  std::string top_lists_json(std::uint64_t batches);  // takes top_lists_mutex_

  Clock clock_;
  std::mutex mutex_;
  std::int64_t started_ms_;
  std::uint64_t discovered_ = 0, batches_ = 0, failed_batches_ = 0;
  BatchRecord totals_;  // sums; stream unused
  std::map<std::string, BatchRecord> streams_;
  std::map<std::string, Reason> reasons_;
  std::deque<Failure> failures_;  // newest first
  std::uint64_t pending_ = 0;
  double lag_seconds_ = 0;
  std::int64_t newest_event_ms_ = 0;
  ThroughputRing ring_{kSlotMs, kSlots};
  std::mutex top_lists_mutex_;  // guards the four below; never held with mutex_
  TopListsProvider top_lists_;
  std::string top_lists_cache_;  // JSON value, or "" before the first call
  std::int64_t top_lists_at_ms_ = 0;
  std::uint64_t top_lists_batches_ = 0;  // batches_ when the cache was computed
  std::string report_link_;
};

}  // namespace tributary::server
