#include "lake/event_date.h"

#include <chrono>
#include <cstdio>

namespace tributary::lake {

std::int64_t utc_day(std::int64_t ms) {
  constexpr std::int64_t kMsPerDay = 86'400'000;
  std::int64_t day = ms / kMsPerDay;
  if (ms % kMsPerDay < 0) --day;
  return day;
}

std::string format_day(std::int64_t day) {
  const std::chrono::year_month_day ymd{
      std::chrono::sys_days{std::chrono::days{static_cast<int>(day)}}};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

}  // namespace tributary::lake
