// SessionCalendar: when a user's next session starts, with eventsim's daily and weekly rhythm.
//
// eventsim (TimeUtilities.scala, Session.scala): the next session starts an exponential gap
// (mean beta, per user) plus the session gap after the last event, then is warped by a sine of
// the time of day (amplitude `damping` of a day, lowest around 3 AM, busiest in the afternoon),
// and a candidate on a weekend is dropped with probability weekend_damping(t) (ramping in over
// `weekend-damping-scale` minutes around midnight), in which case the search continues from it.
// Times are epoch milliseconds, UTC; every step is a whole number of seconds, so the milliseconds
// of the start time carry through (as in eventsim, whose events share their ts' last digits).
// Unlike eventsim, public holidays are not treated as weekend days.
#pragma once

#include <cstdint>

#include "gen/random_source.h"
#include "gen/site_model.h"

namespace tributary::gen {

class SessionCalendar {
 public:
  explicit SessionCalendar(const SiteTiming& timing) : timing_(timing) {}

  // eventsim's pickNextSessionStartTime; the result is > last_ms.
  std::int64_t next_session_start(std::int64_t last_ms, double beta, RandomSource& random) const;
  // eventsim's pickFirstTimeStamp: a steady-state first session for a user present at start_ms
  // (at or after start_ms - beta).
  std::int64_t first_session_start(std::int64_t start_ms, double beta, RandomSource& random) const;

  // The share of sessions dropped at this instant, 0 on weekdays (exposed for tests).
  double weekend_damping(std::int64_t ts_ms) const;
  // The daily warp applied to a session start (exposed for tests).
  std::int64_t warp(std::int64_t ts_ms) const;

 private:
  SiteTiming timing_;
};

}  // namespace tributary::gen
