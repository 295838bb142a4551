// run_generate: `tributary generate` without the command line: simulates eventsim's site, writes
// its four streams as eventsim does, and ships them as fluentd would to an object store.
//
// Time: `present_ms` is the simulated "now". A batch run covers
// [present - from_days, present - to_days) as fast as it can (eventsim's backfill). A realtime
// run covers [present - from_days, present + duration * speed): events up to the present are
// backfilled at once, later ones wait until their time comes on the shipping clock, scaled by
// `speed` (2 = twice as fast as real time). Objects are named by the shipping clock's hour.
// Loops: the same run (same seed, same events) is emitted `loops` times, as the reference
// setup's `while true` restarts of eventsim do, so the store receives exact duplicates.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "event/schema.h"
#include "gen/fluentd_chunk_writer.h"
#include "gen/session_simulator.h"
#include "gen/shipping_clock.h"
#include "gen/site_model.h"
#include "store/object_store.h"

namespace tributary::gen {

struct GenerateOptions {
  std::uint64_t seed = 1;
  std::uint32_t users = 1000;
  double growth_rate = 0.01;
  std::int64_t present_ms = 0;
  double from_days = 7;
  double to_days = 0;
  std::vector<event::Stream> streams{event::kAllStreams.begin(), event::kAllStreams.end()};
  ChunkOptions chunks;
  std::string tag;
  int loops = 1;  // >= 1; batch runs only
  bool realtime = false;
  double speed = 1.0;                       // > 0; realtime only
  std::optional<std::int64_t> duration_ms;  // realtime only; none: forever
  // When set, the run ends early once it reads true (checked at least once a second), shipping
  // what it holds: SIGINT/SIGTERM handling for a run that goes on forever.
  const std::atomic<bool>* stop = nullptr;
  // When set, called once before the first event, every few thousand page views, at least once
  // a second while a realtime run waits for its next event, and once at the end, with the event
  // lines written so far (all streams; the summary's lines once shipped) and the simulated time
  // reached, as a fraction of the simulated period in [0, 1] over all loops (realtime runs
  // without a duration: 0). For progress reporting; must be cheap.
  std::function<void(std::uint64_t lines, double fraction)> on_progress;
};

struct GenerateSummary {
  std::uint64_t page_views = 0;  // simulated page views, all loops
  std::array<ShippedTotals, event::kStreamCount> streams{};
  std::int64_t elapsed_ms = 0;  // on the shipping clock

  std::uint64_t lines() const;
};

// Throws std::invalid_argument for inconsistent options (naming the option), StoreError when
// the store refuses a write.
GenerateSummary run_generate(const SiteModel& model, const GenerateOptions& options,
                             store::ObjectStore& store, ShippingClock& clock);

}  // namespace tributary::gen
