#include "warehouse/calendar.h"

#include <chrono>
#include <cstdio>

namespace tributary::warehouse {
namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::milliseconds;
using std::chrono::sys_days;
using std::chrono::year_month_day;

sys_days day_of(std::int64_t ts_ms) {
  return floor<days>(std::chrono::sys_time<milliseconds>(milliseconds(ts_ms)));
}

std::int32_t key_of(const year_month_day& ymd) {
  return static_cast<std::int32_t>(static_cast<int>(ymd.year()) * 10000 +
                                   static_cast<int>(static_cast<unsigned>(ymd.month())) * 100 +
                                   static_cast<int>(static_cast<unsigned>(ymd.day())));
}

}  // namespace

CalendarDate calendar_date(std::int64_t ts_ms) {
  const sys_days day = day_of(ts_ms);
  const year_month_day ymd(day);
  const std::chrono::weekday wd(day);
  CalendarDate out{};
  out.date_key = key_of(ymd);
  out.year = static_cast<int>(ymd.year());
  out.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  out.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  out.quarter = (out.month - 1) / 3 + 1;
  out.weekday = static_cast<int>(wd.iso_encoding());
  out.is_weekend = out.weekday >= 6;
  // ISO 8601: a week belongs to the year of its Thursday.
  const sys_days thursday = day + days(4 - out.weekday);
  const std::chrono::year iso_year = year_month_day(thursday).year();
  out.iso_year = static_cast<int>(iso_year);
  const sys_days jan1 = sys_days(iso_year / std::chrono::January / 1);
  out.iso_week = static_cast<int>((thursday - jan1).count() / 7 + 1);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", out.year, out.month, out.day);
  out.iso = buf;
  return out;
}

std::int32_t date_key_of(std::int64_t ts_ms) {
  return key_of(year_month_day(day_of(ts_ms)));
}

std::optional<std::int32_t> parse_date_key(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8};
  const std::size_t lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (std::size_t i = 0; i < lengths[p]; ++i) {
      const char c = text[starts[p] + i];
      if (c < '0' || c > '9') return std::nullopt;
      parts[p] = parts[p] * 10 + (c - '0');
    }
  }
  const year_month_day ymd{std::chrono::year(parts[0]),
                           std::chrono::month(static_cast<unsigned>(parts[1])),
                           std::chrono::day(static_cast<unsigned>(parts[2]))};
  if (!ymd.ok()) return std::nullopt;
  return key_of(ymd);
}

}  // namespace tributary::warehouse
