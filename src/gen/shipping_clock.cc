#include "gen/shipping_clock.h"

#include <chrono>
#include <thread>

namespace tributary::gen {

std::int64_t SystemShippingClock::now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void SystemShippingClock::sleep_until_ms(std::int64_t deadline_ms) {
  const std::int64_t wait = deadline_ms - now_ms();
  if (wait > 0) std::this_thread::sleep_for(std::chrono::milliseconds(wait));
}

}  // namespace tributary::gen
