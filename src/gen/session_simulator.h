// SessionSimulator: eventsim's simulation loop. A population of users, each always in a session
// or waiting for the next one; the user whose next event is earliest acts next, so page views
// come out in timestamp order (ties: lower user index first).
//
// What it models (eventsim's Main, User and Session):
//  - `users` initial users present at the start (auth and level drawn from the config, profile
//    and home from the built-in tables, registered an exponential time before the start), plus
//    users arriving during the run at `growth_rate` per year (as guests, registered on arrival).
//  - Per user, a request pace alpha and a session pace beta: the config's values times a
//    log-normal factor of mean 1, so some users are heavy and some occasional.
//  - Within a session: moves between page states by the config's probabilities; an exponential
//    pause (mean alpha) between requests; one second after a redirect (3xx); a song plays to its
//    end before the next NextSong; sessions start as SessionCalendar says.
//  - A user whose session ends in the churned state ("Cancelled") leaves for good.
//
// Deterministic: the same model, options and seed give the same sequence of events.
#pragma once

#include <cstdint>
#include <limits>
#include <queue>
#include <utility>
#include <vector>

#include "gen/builtin_tables.h"
#include "gen/random_source.h"
#include "gen/session_calendar.h"
#include "gen/site_model.h"
#include "gen/weighted_sampler.h"

namespace tributary::gen {

struct SimulationOptions {
  std::uint64_t seed = 1;
  std::uint32_t users = 1000;
  double growth_rate = 0.01;  // new users per year, as a fraction of the current population
  // Events are emitted for start_ms < ts < end_ms (eventsim skips ts == start); epoch ms, UTC.
  std::int64_t start_ms = 0;
  std::int64_t end_ms = std::numeric_limits<std::int64_t>::max();
  // Song popularity: the song of rank r (0-based) has weight 1 / (r + 1)^zipf_exponent.
  double zipf_exponent = 0.8;
};

struct SimulatedUser {
  std::int64_t user_id = 0;
  std::int64_t registration_ms = 0;
  std::uint32_t first_name = 0;  // index into builtin_first_names()
  std::uint32_t last_name = 0;   // index into builtin_last_names()
  std::uint32_t city = 0;        // index into builtin_cities()
  std::uint32_t user_agent = 0;  // index into builtin_user_agents()
  double alpha = 0;
  double beta = 0;

  // The current session.
  std::int64_t session_id = 0;
  std::int32_t item_in_session = 0;
  std::int64_t next_ts_ms = 0;
  const PageState* state = nullptr;
  // eventsim's previousState: set on every move except redirects, cleared at a session start.
  const PageState* previous = nullptr;
  std::int32_t song = -1;  // index into builtin_songs(), -1 before the session's first song
  std::int64_t song_end_ms = 0;
};

// One page view; the streams it feeds are decided by EventLineWriter.
struct SimulatedEvent {
  std::int64_t ts_ms = 0;
  std::int64_t session_id = 0;
  std::int32_t item_in_session = 0;
  const PageState* state = nullptr;
  // Valid until the next call of SessionSimulator::next().
  const SimulatedUser* user = nullptr;
  const CatalogSong* song = nullptr;  // set iff state->is_next_song
  bool after_login = false;           // the previous state was Login: an auth event is due
};

class SessionSimulator {
 public:
  SessionSimulator(const SiteModel& model, const SimulationOptions& options);

  // The next page view in time order; false once every remaining event is at or past end_ms
  // (and on every later call).
  bool next(SimulatedEvent& event);

  std::size_t user_count() const { return users_.size(); }

 private:
  using QueueEntry = std::pair<std::int64_t, std::uint32_t>;  // (next_ts_ms, user index)

  void add_user(std::int64_t registration_ms, const std::string& auth, const std::string& level,
                std::int64_t first_session_ms);
  void start_session(SimulatedUser& user, const PageState& start, std::int64_t ts_ms);
  std::int32_t draw_song() { return static_cast<std::int32_t>(songs_.draw(random_)); }
  // eventsim's Session.incrementEvent; false when the session ended.
  bool advance(SimulatedUser& user);
  void add_arrivals_until(std::int64_t ts_ms);

  const SiteModel& model_;
  SimulationOptions options_;
  RandomSource random_;
  SessionCalendar calendar_;
  WeightedSampler cities_, agents_, songs_;
  std::vector<SimulatedUser> users_;
  std::priority_queue<QueueEntry, std::vector<QueueEntry>, std::greater<>> queue_;
  std::int64_t next_session_id_ = 1;
  std::int64_t next_arrival_ms_ = std::numeric_limits<std::int64_t>::max();
  bool finished_ = false;
};

}  // namespace tributary::gen
