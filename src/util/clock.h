// Wall-clock time as tributary records it everywhere (ledger, logs, metrics): milliseconds since
// the Unix epoch, UTC.
#pragma once

#include <chrono>
#include <cstdint>

namespace tributary::util {

inline std::int64_t unix_time_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace tributary::util
