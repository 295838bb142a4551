#include "gen/session_simulator.h"

#include <algorithm>
#include <cmath>

namespace tributary::gen {
namespace {

constexpr double kSecondsPerYear = 365.0 * 86400.0;

std::vector<double> zipf_weights(std::size_t n, double exponent) {
  std::vector<double> w(n);
  for (std::size_t r = 0; r < n; ++r) w[r] = 1.0 / std::pow(static_cast<double>(r + 1), exponent);
  return w;
}

template <typename Row>
std::vector<double> table_weights(std::span<const Row> rows) {
  std::vector<double> w;
  w.reserve(rows.size());
  for (const Row& row : rows) w.push_back(row.weight);
  return w;
}

std::int64_t whole_seconds_ms(double seconds) {
  return static_cast<std::int64_t>(seconds) * 1000;
}

}  // namespace

SessionSimulator::SessionSimulator(const SiteModel& model, const SimulationOptions& options)
    : model_(model),
      options_(options),
      random_(options.seed),
      calendar_(model.timing()),
      cities_(table_weights(builtin_cities())),
      agents_(table_weights(builtin_user_agents())),
      songs_(zipf_weights(builtin_songs().size(), options.zipf_exponent)) {
  users_.reserve(options.users);
  for (std::uint32_t i = 0; i < options.users; ++i) {
    const std::string& auth = model_.draw_initial_auth(random_);
    const std::string& level = model_.draw_initial_level(random_);
    // Registered an exponential time before the start (mean: a year times the growth rate),
    // at most five years, as eventsim's UserProperties.randomProps.
    const double since =
        std::min(random_.exponential(options.growth_rate * kSecondsPerYear), 5 * kSecondsPerYear);
    add_user(options.start_ms - whole_seconds_ms(since), auth, level, -1);
  }
  if (options.growth_rate > 0 && options.users > 0) {
    next_arrival_ms_ =
        options.start_ms + whole_seconds_ms(random_.exponential(
                               kSecondsPerYear / (options.users * options.growth_rate)));
  }
}

void SessionSimulator::add_user(std::int64_t registration_ms, const std::string& auth,
                                const std::string& level, std::int64_t first_session_ms) {
  SimulatedUser user;
  user.user_id = static_cast<std::int64_t>(users_.size()) + 1;
  user.alpha = model_.timing().alpha * random_.lognormal_mean_one();
  user.beta = model_.timing().beta * random_.lognormal_mean_one();
  user.registration_ms = registration_ms;
  user.first_name = random_.below(static_cast<std::uint32_t>(builtin_first_names().size()));
  user.last_name = random_.below(static_cast<std::uint32_t>(builtin_last_names().size()));
  user.city = cities_.draw(random_);
  user.user_agent = agents_.draw(random_);
  if (first_session_ms < 0) {
    first_session_ms = calendar_.first_session_start(options_.start_ms, user.beta, random_);
  }
  start_session(user, model_.start_state(auth, level, random_), first_session_ms);
  const auto index = static_cast<std::uint32_t>(users_.size());
  users_.push_back(user);
  queue_.emplace(users_.back().next_ts_ms, index);
}

void SessionSimulator::start_session(SimulatedUser& user, const PageState& start,
                                     std::int64_t ts_ms) {
  user.session_id = next_session_id_++;
  user.item_in_session = 0;
  user.next_ts_ms = ts_ms;
  user.state = &start;
  user.previous = nullptr;
  user.song = -1;
  if (start.is_next_song) {
    user.song = draw_song();
    user.song_end_ms = ts_ms + whole_seconds_ms(builtin_songs()[user.song].duration);
  }
}

bool SessionSimulator::advance(SimulatedUser& user) {
  const PageState* next = user.state->next(random_.uniform());
  if (next == nullptr) return false;
  if (next->is_redirect) {
    user.next_ts_ms += 1000;
  } else if (next->is_next_song) {
    if (user.song < 0 || user.next_ts_ms >= user.song_end_ms) {
      user.next_ts_ms += whole_seconds_ms(random_.exponential(user.alpha));
    } else {
      user.next_ts_ms = user.song_end_ms;
    }
    user.song = draw_song();
    user.song_end_ms = user.next_ts_ms + whole_seconds_ms(builtin_songs()[user.song].duration);
    user.previous = user.state;
  } else {
    user.next_ts_ms += whole_seconds_ms(random_.exponential(user.alpha));
    user.previous = user.state;
  }
  user.state = next;
  ++user.item_in_session;
  return true;
}

void SessionSimulator::add_arrivals_until(std::int64_t ts_ms) {
  while (next_arrival_ms_ <= ts_ms && next_arrival_ms_ < options_.end_ms) {
    const std::int64_t arrival = next_arrival_ms_;
    // Unlike eventsim (which may start a newcomer's first session up to beta before it
    // registers), a new user's first session follows its arrival.
    const double beta = model_.timing().beta;
    add_user(arrival, model_.new_user_auth(), model_.new_user_level(),
             calendar_.next_session_start(arrival, beta, random_));
    const double mean_gap =
        kSecondsPerYear / (static_cast<double>(users_.size()) * options_.growth_rate);
    next_arrival_ms_ =
        arrival + std::max<std::int64_t>(whole_seconds_ms(random_.exponential(mean_gap)), 1000);
  }
}

bool SessionSimulator::next(SimulatedEvent& event) {
  while (!finished_) {
    if (!queue_.empty()) add_arrivals_until(queue_.top().first);
    if (queue_.empty()) {
      // Everyone has churned: only the next newcomer (and any arriving at the same instant) is
      // created, so users still appear as time reaches them. Creating all arrivals up to end_ms
      // would never end for an endless run and, with growth compounding, exhaust memory.
      add_arrivals_until(next_arrival_ms_);
      if (queue_.empty()) break;
    }
    const auto [ts_ms, index] = queue_.top();
    if (ts_ms >= options_.end_ms) break;
    queue_.pop();
    SimulatedUser& user = users_[index];
    const bool emit = ts_ms > options_.start_ms;
    if (emit) {
      event.ts_ms = ts_ms;
      event.session_id = user.session_id;
      event.item_in_session = user.item_in_session;
      event.state = user.state;
      event.user = &user;
      event.song = user.state->is_next_song ? &builtin_songs()[user.song] : nullptr;
      event.after_login = user.previous != nullptr && user.previous->is_login;
    }
    if (!advance(user)) {
      if (user.state->is_churned) {
        if (emit) return true;
        continue;
      }
      const PageState& start = model_.start_state(user.state->auth, user.state->level, random_);
      start_session(user, start, calendar_.next_session_start(user.next_ts_ms, user.beta, random_));
    }
    queue_.emplace(user.next_ts_ms, index);
    if (emit) return true;
  }
  finished_ = true;
  return false;
}

}  // namespace tributary::gen
