// SiteModel: the music site as eventsim's configuration file describes it: the pages a visitor
// moves between (each a PageState: page, auth, method, status, level), the probability of each
// move, how sessions start, and the time constants of visits.
//
// Semantics (eventsim's State.scala and Session.scala): from a state, the outgoing transitions'
// probabilities partition [0, sum); a uniform draw at or past the sum ends the session. A session
// starts in a state drawn from `new-session` by weight among those with the user's auth and level.
// A session that ends in the churned state ("Cancelled") is the user's last.
//
// Invariants after construction: every transition's destination is a state of the model; states
// are unique by (page, auth, method, status, level); every (auth, level) a user can be in when a
// session starts has at least one start state (checked lazily: start_state() throws otherwise).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gen/random_source.h"
#include "gen/weighted_sampler.h"

namespace tributary::gen {

struct PageState {
  std::string page;
  std::string auth;
  std::string method;
  int status = 200;
  std::string level;

  bool show_user_details = false;  // the visitor is identified (userId and profile are written)
  bool is_next_song = false;       // page == "NextSong": a song plays, a listen event is written
  bool is_login = false;           // page == "Login": the following event is an auth event
  bool is_status_change = false;   // "Submit Upgrade" / "Submit Downgrade": a status change
  bool is_redirect = false;        // 3xx: eventsim moves on after one second
  bool is_churned = false;         // auth is the churned state: no session follows

  // Upper bounds of the cumulative probabilities of the outgoing moves, and their destinations.
  std::vector<double> move_upper;
  std::vector<const PageState*> move_to;

  // The next state for a uniform draw `u` in [0, 1), or nullptr when the session ends.
  const PageState* next(double u) const {
    for (std::size_t i = 0; i < move_upper.size(); ++i) {
      if (u < move_upper[i]) return move_to[i];
    }
    return nullptr;
  }
};

struct SiteTiming {
  double alpha = 60;                 // mean seconds between page requests (per user, scaled)
  double beta = 3 * 86400;           // mean seconds between sessions (per user, scaled)
  double damping = 0.0625;           // daily rhythm amplitude, as a fraction of a day
  double weekend_damping = 0.5;      // share of weekend sessions dropped
  int weekend_damping_offset = 180;  // minutes before/after midnight the weekend ramp starts
  int weekend_damping_scale = 360;   // minutes the ramp lasts
  int session_gap = 1800;            // minimum seconds between two sessions of a user
};

class SiteModel {
 public:
  // Parses an eventsim configuration (JSON). Throws std::runtime_error naming the problem.
  static SiteModel from_json(std::string_view json);
  // The reference setup's configuration (src/gen/reference-config.json, compiled in).
  static const SiteModel& reference();

  SiteModel(SiteModel&&) = default;
  SiteModel& operator=(SiteModel&&) = default;

  const SiteTiming& timing() const { return timing_; }
  const std::vector<std::unique_ptr<PageState>>& states() const { return states_; }
  const PageState* find(std::string_view page, std::string_view auth, std::string_view level) const;

  // A session's first state for a visitor with this auth and level.
  const PageState& start_state(std::string_view auth, std::string_view level,
                               RandomSource& random) const;

  // Auth and level of an initial user (config "auths" and "levels", by weight).
  const std::string& draw_initial_auth(RandomSource& random) const;
  const std::string& draw_initial_level(RandomSource& random) const;
  // Auth and level of a user who arrives during the run (config "new-user-auth"/"-level").
  const std::string& new_user_auth() const { return new_user_auth_; }
  const std::string& new_user_level() const { return new_user_level_; }

 private:
  SiteModel() = default;

  struct StartStates {
    std::vector<const PageState*> states;
    WeightedSampler sampler;
  };

  SiteTiming timing_;
  std::vector<std::unique_ptr<PageState>> states_;
  std::map<std::pair<std::string, std::string>, StartStates> starts_;  // by (auth, level)
  std::vector<std::string> auths_, levels_;
  WeightedSampler auth_sampler_, level_sampler_;
  std::string new_user_auth_ = "Guest";
  std::string new_user_level_ = "free";
};

}  // namespace tributary::gen
