// Calendar attributes of event times, for dim_date and the facts' date_key and hour. All UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tributary::warehouse {

struct CalendarDate {
  std::int32_t date_key;  // YYYYMMDD
  std::string iso;        // YYYY-MM-DD
  int year;
  int quarter;   // 1..4
  int month;     // 1..12
  int day;       // 1..31
  int iso_year;  // the ISO 8601 week-numbering year (differs from `year` around 1 January)
  int iso_week;  // 1..53
  int weekday;   // ISO: 1 = Monday .. 7 = Sunday
  bool is_weekend;
};

// The UTC calendar date of `ts_ms` (epoch milliseconds).
CalendarDate calendar_date(std::int64_t ts_ms);

// YYYYMMDD of `ts_ms`; the hot-path part of calendar_date.
std::int32_t date_key_of(std::int64_t ts_ms);

// Parses a strict YYYY-MM-DD calendar date into its date_key; nullopt when malformed or not a
// real date (2023-02-30).
std::optional<std::int32_t> parse_date_key(std::string_view text);

}  // namespace tributary::warehouse
