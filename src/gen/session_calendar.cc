#include "gen/session_calendar.h"

#include <cmath>
#include <numbers>

namespace tributary::gen {
namespace {

constexpr std::int64_t kDayMs = 86400 * 1000;
constexpr std::int64_t kThreeAmSeconds = 3 * 3600;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// 1970-01-01 was a Thursday; day 2 after it a Saturday.
bool is_weekend(std::int64_t day) {
  const std::int64_t dow = ((day % 7) + 7 + 3) % 7;  // 0 = Monday
  return dow >= 5;
}

}  // namespace

std::int64_t SessionCalendar::warp(std::int64_t ts_ms) const {
  const std::int64_t second_of_day = floor_div(ts_ms, 1000) - floor_div(ts_ms, kDayMs) * 86400;
  const double angle =
      static_cast<double>(second_of_day - kThreeAmSeconds) * 2 * std::numbers::pi / 86400.0;
  const auto offset = static_cast<std::int64_t>(timing_.damping * 86400.0 * std::sin(angle));
  return ts_ms + offset * 1000;
}

double SessionCalendar::weekend_damping(std::int64_t ts_ms) const {
  const std::int64_t day = floor_div(ts_ms, kDayMs);
  const bool yesterday = is_weekend(day - 1), today = is_weekend(day),
             tomorrow = is_weekend(day + 1);
  const double wd = timing_.weekend_damping;
  const std::int64_t midnight = day * kDayMs, next_midnight = midnight + kDayMs;
  const std::int64_t offset = std::int64_t{timing_.weekend_damping_offset} * 60000;
  const double scale = timing_.weekend_damping_scale * 60000.0;
  auto ramp = [&](std::int64_t from, std::int64_t to) {
    return wd * static_cast<double>(to - from) / scale;
  };
  if (!yesterday && !today && !tomorrow) return 0.0;
  if (yesterday && today && tomorrow) return wd;
  if (!yesterday && !today && tomorrow) {
    const std::int64_t ramp_start = next_midnight - offset;
    return ts_ms < ramp_start ? 0.0 : ramp(ramp_start, ts_ms);
  }
  if (yesterday && !today && !tomorrow) {
    const std::int64_t ramp_end = midnight + offset;
    return ts_ms > ramp_end ? 0.0 : ramp(ts_ms, ramp_end);
  }
  if (!yesterday && today) {
    const std::int64_t up_start = midnight - offset;
    const std::int64_t up_end = up_start + static_cast<std::int64_t>(scale);
    if (ts_ms < up_end) return ramp(up_start, ts_ms);
    if (tomorrow) return wd;
    const std::int64_t down_end = next_midnight + offset;
    const std::int64_t down_start = down_end - static_cast<std::int64_t>(scale);
    return ts_ms > down_start ? ramp(ts_ms, down_end) : wd;
  }
  if (yesterday && !today && tomorrow) {
    const std::int64_t ramp_end = midnight + offset, ramp_start = next_midnight - offset;
    if (ts_ms < ramp_end) return ramp(ts_ms, ramp_end);
    return ts_ms > ramp_start ? ramp(ramp_start, ts_ms) : 0.0;
  }
  // Weekend yesterday and today, a weekday tomorrow.
  const std::int64_t down_end = next_midnight + offset;
  const std::int64_t down_start = down_end - static_cast<std::int64_t>(scale);
  return ts_ms > down_start ? ramp(ts_ms, down_end) : wd;
}

std::int64_t SessionCalendar::next_session_start(std::int64_t last_ms, double beta,
                                                 RandomSource& random) const {
  const std::int64_t gap_ms = std::int64_t{timing_.session_gap} * 1000;
  for (;;) {
    const auto random_gap = static_cast<std::int64_t>(random.exponential(beta)) * 1000 + gap_ms;
    const std::int64_t candidate = warp(last_ms + random_gap);
    if (candidate <= last_ms) {
      // The warp pulled it back before the last event: force progress, as eventsim does.
      last_ms += gap_ms > 0 ? gap_ms : 1000;
      continue;
    }
    const double damping = weekend_damping(candidate);
    if (damping <= 0.0 || random.uniform() < 1.0 - damping) return candidate;
    last_ms = candidate;
  }
}

std::int64_t SessionCalendar::first_session_start(std::int64_t start_ms, double beta,
                                                  RandomSource& random) const {
  const auto beta_ms = static_cast<std::int64_t>(beta) * 1000;
  std::int64_t candidate = next_session_start(start_ms - 2 * beta_ms, beta, random);
  while (candidate < start_ms - beta_ms) candidate = next_session_start(candidate, beta, random);
  return candidate;
}

}  // namespace tributary::gen
