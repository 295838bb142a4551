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

}  // namespace
}  // namespace tributary::gen
