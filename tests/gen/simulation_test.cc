// The simulation: deterministic for a seed, and statistically like eventsim's output.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "event/decoder.h"
#include "gen/event_line_writer.h"
#include "gen/session_simulator.h"
#include "test_support.h"

namespace tributary::gen {
namespace {

using event::Stream;

// 2023-06-01T00:00:00.902Z: a Thursday; the .902 mimics eventsim's start-time milliseconds.
constexpr std::int64_t kStartMs = 1685577600902;
constexpr std::int64_t kDayMs = 86400000;

SimulationOptions options(std::uint64_t seed, std::uint32_t users, int days) {
  SimulationOptions o;
  o.seed = seed;
  o.users = users;
  o.start_ms = kStartMs;
  o.end_ms = kStartMs + days * kDayMs;
  return o;
}

std::array<std::string, event::kStreamCount> generate(const SimulationOptions& o) {
  SessionSimulator sim(SiteModel::reference(), o);
  const EventLineWriter writer;
  std::array<std::string, event::kStreamCount> out;
  const std::array<std::string*, event::kStreamCount> sinks{&out[0], &out[1], &out[2], &out[3]};
  SimulatedEvent e;
  while (sim.next(e)) writer.write(e, sinks);
  return out;
}

TEST(Simulation, SameSeedSameBytesOtherSeedOtherBytes) {
  const auto a = generate(options(7, 100, 3));
  const auto b = generate(options(7, 100, 3));
  const auto c = generate(options(8, 100, 3));
  for (std::size_t s = 0; s < event::kStreamCount; ++s) EXPECT_EQ(a[s], b[s]) << s;
  EXPECT_GT(a[static_cast<std::size_t>(Stream::kPageView)].size(), 10000u);
  EXPECT_NE(a[static_cast<std::size_t>(Stream::kPageView)],
            c[static_cast<std::size_t>(Stream::kPageView)]);
}

TEST(Simulation, EventsAreInTimeOrderInsideThePeriod) {
  const SimulationOptions o = options(11, 200, 2);
  SessionSimulator sim(SiteModel::reference(), o);
  SimulatedEvent e;
  std::int64_t last = 0;
  std::size_t n = 0;
  std::map<std::int64_t, std::int32_t> last_item;  // per session
  while (sim.next(e)) {
    ASSERT_GT(e.ts_ms, o.start_ms);
    ASSERT_LT(e.ts_ms, o.end_ms);
    ASSERT_GE(e.ts_ms, last);
    // Every step is whole seconds, so the start's milliseconds carry through (eventsim's quirk).
    ASSERT_EQ(e.ts_ms % 1000, 902);
    auto [it, fresh] = last_item.try_emplace(e.session_id, e.item_in_session);
    if (!fresh) {
      ASSERT_EQ(e.item_in_session, it->second + 1);
      it->second = e.item_in_session;
    }
    ASSERT_EQ(e.song != nullptr, e.state->is_next_song);
    last = e.ts_ms;
    ++n;
  }
  EXPECT_FALSE(sim.next(e));
  EXPECT_GT(n, 1000u);
}

// The bounds below are documented in docs/generator.md; the samples' own figures are in comments.
TEST(Simulation, StatisticsResembleEventsimsOutput) {
  const SimulationOptions o = options(1, 1000, 28);  // four whole weeks, starting on a Thursday
  SessionSimulator sim(SiteModel::reference(), o);
  SimulatedEvent e;
  double page_views = 0, songs = 0, logged_out = 0, paid_songs = 0, song_seconds = 0;
  double status_changes = 0, logins_ok = 0, logins_failed = 0;
  std::map<std::int64_t, int> session_length;
  std::map<const CatalogSong*, int> plays;
  std::set<std::int64_t> users;
  std::array<double, 24> by_hour{};
  std::array<double, 7> by_weekday{};  // 0 = Monday
  while (sim.next(e)) {
    ++page_views;
    ++session_length[e.session_id];
    logged_out += e.state->auth == "Logged Out";
    status_changes += e.state->is_status_change;
    if (e.after_login) (e.state->auth == "Logged In" ? logins_ok : logins_failed) += 1;
    if (e.state->is_next_song) {
      ++songs;
      paid_songs += e.state->level == "paid";
      song_seconds += e.song->duration;
      ++plays[e.song];
    }
    users.insert(e.user->user_id);
    by_hour[static_cast<std::size_t>((e.ts_ms / 3600000) % 24)] += 1;
    by_weekday[static_cast<std::size_t>((e.ts_ms / kDayMs + 3) % 7)] += 1;
  }
  ASSERT_GT(page_views, 50000);
  EXPECT_GT(users.size(), 800u);                     // nearly every user visits within four weeks
  EXPECT_NEAR(songs / page_views, 0.84, 0.06);       // samples: 76 of 92 page views are NextSong
  EXPECT_NEAR(logged_out / page_views, 0.05, 0.04);  // samples: 7 of 92
  EXPECT_NEAR(paid_songs / songs, 0.78, 0.12);       // samples: 47 of 76 and 734 of 867 listens
  EXPECT_NEAR(song_seconds / songs, 241.6, 15);      // samples: mean duration 241.6 s
  const double mean_session = page_views / static_cast<double>(session_length.size());
  EXPECT_GT(mean_session, 5);
  EXPECT_LT(mean_session, 20);
  EXPECT_GT(status_changes, 0);
  EXPECT_GT(logins_ok, 0);
  EXPECT_GT(logins_failed, 0);
  // Zipf-like popularity: the top song is played far more than the median one.
  std::vector<int> counts;
  for (const auto& [song, n] : plays) counts.push_back(n);
  std::sort(counts.rbegin(), counts.rend());
  EXPECT_GT(counts.front() / songs, 0.03);
  EXPECT_LT(counts.front() / songs, 0.12);
  EXPECT_GT(counts.front(), 20 * counts[counts.size() / 2]);
  // Daily rhythm: the busiest hour has well over the quietest hour's traffic.
  const auto [quiet, busy] = std::minmax_element(by_hour.begin(), by_hour.end());
  EXPECT_GT(*busy, 1.8 * *quiet);
  // Weekly rhythm: a weekend day has clearly less traffic than a weekday.
  const double weekday =
      (by_weekday[0] + by_weekday[1] + by_weekday[2] + by_weekday[3] + by_weekday[4]) / 5;
  const double weekend = (by_weekday[5] + by_weekday[6]) / 2;
  EXPECT_LT(weekend, 0.75 * weekday);
}

TEST(Simulation, NewcomersArriveAsGuestsAndRegister) {
  SimulationOptions o = options(2, 100, 60);
  o.growth_rate = 3.0;  // ~50 newcomers in 60 days
  SessionSimulator sim(SiteModel::reference(), o);
  SimulatedEvent e;
  std::size_t guest_views = 0, registrations = 0, identified_guests = 0;
  while (sim.next(e)) {
    if (e.state->auth == "Guest") {
      ++guest_views;
      identified_guests += e.state->show_user_details;
    }
    registrations += e.state->page == "Submit Registration";
  }
  EXPECT_GT(sim.user_count(), 120u);
  EXPECT_GT(guest_views, 0u);
  EXPECT_GT(registrations, 0u);
  EXPECT_EQ(identified_guests, 0u);
}

// A population that churns entirely (here every session is a cancellation) must not make the
// simulator create the whole future's newcomers at once: with no end (a --realtime run without
// --duration) that never returned and ate all memory. Newcomers appear as time reaches them.
TEST(Simulation, NewcomersAreCreatedAsTimeReachesThemWhenEveryoneHasChurned) {
  const SiteModel model = SiteModel::from_json(R"({
    "alpha": 60, "beta": 86400, "churned-state": "Cancelled",
    "new-user-auth": "Cancelled", "new-user-level": "free",
    "show-user-details": [{"auth": "Cancelled", "show": true}],
    "levels": [{"level": "free", "weight": 1}], "auths": [{"auth": "Cancelled", "weight": 1}],
    "transitions": [],
    "new-session": [{"page": "Cancellation Confirmation", "auth": "Cancelled", "method": "GET",
                     "status": 200, "level": "free", "weight": 1}]})");
  SimulationOptions o = options(5, 3, 0);
  o.growth_rate = 0.5;
  // Ten years: ~150 times the users by the end, all of them created at the first empty queue
  // before the fix (an end far enough away never finished).
  o.end_ms = kStartMs + 3650 * kDayMs;
  SessionSimulator sim(model, o);
  SimulatedEvent e;
  std::int64_t last = 0;
  std::size_t events = 0;
  while (events < 20 && sim.next(e)) {
    ++events;
    EXPECT_GE(e.ts_ms, last);
    last = e.ts_ms;
    // Each user makes one page view and leaves; at most the next arrival waits in the queue.
    ASSERT_LE(sim.user_count(), o.users + events + 1) << "after " << events << " events";
  }
  EXPECT_EQ(events, 20u);
}

}  // namespace
}  // namespace tributary::gen
