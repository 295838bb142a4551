#include "warehouse/recent_period.h"

#include <stdexcept>
#include <string>

#include "warehouse/calendar.h"

namespace tributary::warehouse {

ReportPeriod recent_period(std::optional<std::int64_t> newest_event_ms, int days,
                           std::int64_t now_ms) {
  if (days < 1) throw std::invalid_argument("recent_period needs at least one day");
  const std::int64_t newest = newest_event_ms.value_or(now_ms);
  constexpr std::int64_t kDayMs = 86'400'000;
  const std::int64_t end_day = newest >= 0 ? newest / kDayMs : (newest - kDayMs + 1) / kDayMs;
  return {calendar_date((end_day - days + 1) * kDayMs).iso,
          calendar_date((end_day + 1) * kDayMs).iso};
}

}  // namespace tributary::warehouse
