// ShippingClock: wall-clock time as the shipping side sees it: the hour an object arrives in
// (fluentd's time slice), when a chunk's flush interval is up, and the pace of --realtime.
// Behind an interface so tests drive time by hand instead of sleeping.
#pragma once

#include <cstdint>

namespace tributary::gen {

class ShippingClock {
 public:
  virtual ~ShippingClock() = default;
  // Epoch milliseconds, UTC.
  virtual std::int64_t now_ms() = 0;
  // Returns at or after `deadline_ms` (at once when it has passed).
  virtual void sleep_until_ms(std::int64_t deadline_ms) = 0;
};

// The system clock (std::chrono::system_clock) and a real sleep.
class SystemShippingClock final : public ShippingClock {
 public:
  std::int64_t now_ms() override;
  void sleep_until_ms(std::int64_t deadline_ms) override;
};

}  // namespace tributary::gen
