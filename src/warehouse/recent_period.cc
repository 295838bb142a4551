#include "warehouse/recent_period.h"

#include <stdexcept>
#include <string>

#include "warehouse/calendar.h"

namespace tributary::warehouse {

ReportPeriod recent_period(SqlConnection& connection, int days, std::int64_t now_ms) {
  if (days < 1) throw std::invalid_argument("recent_period needs at least one day");
  std::int64_t newest = now_ms;
  const auto rows = connection.query("SELECT max(max_event_ts_ms) FROM ingest_batch");
  if (!rows.empty() && rows[0][0] && !rows[0][0]->empty()) newest = std::stoll(*rows[0][0]);
  constexpr std::int64_t kDayMs = 86'400'000;
  const std::int64_t end_day = newest >= 0 ? newest / kDayMs : (newest - kDayMs + 1) / kDayMs;
  return {calendar_date((end_day - days + 1) * kDayMs).iso,
          calendar_date((end_day + 1) * kDayMs).iso};
}

}  // namespace tributary::warehouse
