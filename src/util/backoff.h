// Backoff: how long to wait before trying again something that keeps failing. "Full jitter" (a
// random wait in [0, cap)), with the cap starting at `first` and doubling after every failure up
// to `max`, so that many workers failing at once do not come back in step; reset() after a
// success starts over. Not thread-safe: one per retrying loop.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>

namespace tributary::util {

class Backoff {
 public:
  Backoff(std::chrono::milliseconds first, std::chrono::milliseconds max)
      : first_(first), max_(max), cap_(first), rng_(std::random_device{}()) {}

  // The wait before the next try, after one more failure.
  std::chrono::milliseconds next() {
    const auto wait = std::chrono::milliseconds(std::uniform_int_distribution<std::int64_t>(
        0, std::max<std::int64_t>(cap_.count() - 1, 0))(rng_));
    cap_ = std::min(cap_ * 2, max_);
    ++failures_;
    return wait;
  }
  void reset() {
    cap_ = first_;
    failures_ = 0;
  }
  // Failures since the last reset(): 0 while things work.
  std::uint64_t failures() const { return failures_; }
  // The bound of the next wait.
  std::chrono::milliseconds cap() const { return cap_; }

 private:
  std::chrono::milliseconds first_, max_, cap_;
  std::uint64_t failures_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace tributary::util
