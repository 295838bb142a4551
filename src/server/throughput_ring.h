// ThroughputRing: per-slot totals (events, bytes, objects) over a sliding window of the last
// `slots` slots of `slot_ms` milliseconds each, for the status page's throughput chart.
//
// Invariants:
//  - Memory is fixed: one entry per slot, reused as time moves on; an entry whose slot has left
//    the window reads as zero.
//  - window(now) returns exactly `slots` samples, oldest first, the last one being the slot that
//    contains `now`; amounts added for a time outside the window are dropped.
//  - Not thread-safe: the owner (StatusBoard) serialises access.
#pragma once

#include <cstdint>
#include <vector>

namespace tributary::server {

struct ThroughputSample {
  std::int64_t start_ms = 0;  // the slot's first millisecond (epoch ms)
  std::uint64_t events = 0;
  std::uint64_t bytes = 0;
  std::uint64_t objects = 0;
};

class ThroughputRing {
 public:
  // slot_ms > 0, slots > 0.
  ThroughputRing(std::int64_t slot_ms, std::size_t slots);

  void add(std::int64_t at_ms, std::uint64_t events, std::uint64_t bytes, std::uint64_t objects);
  std::vector<ThroughputSample> window(std::int64_t now_ms) const;
  std::int64_t slot_ms() const { return slot_ms_; }

 private:
  struct Entry {
    std::int64_t slot = -1;  // slot number (epoch ms / slot_ms) the amounts belong to
    ThroughputSample sample;
  };
  std::int64_t slot_of(std::int64_t ms) const;

  std::int64_t slot_ms_;
  std::vector<Entry> entries_;
};

}  // namespace tributary::server
