#include "gen/generate_run.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>

#include "gen/event_line_writer.h"

namespace tributary::gen {
namespace {

constexpr double kDayMs = 86'400'000.0;
// In a batch run, chunks past their flush interval are looked for this often (in page views).
constexpr std::uint64_t kFlushCheckEvery = 4096;
// A realtime run never sleeps longer than this at once, so a stop request is seen promptly.
constexpr std::int64_t kLongestSleepMs = 1000;

void check(const GenerateOptions& o) {
  if (o.users == 0) throw std::invalid_argument("--users must be at least 1");
  if (!(o.growth_rate >= 0)) throw std::invalid_argument("--growth-rate must not be negative");
  if (!(o.from_days > 0)) throw std::invalid_argument("--from-days must be positive");
  if (!(o.to_days >= 0)) throw std::invalid_argument("--to-days must not be negative");
  if (!o.realtime && o.to_days >= o.from_days) {
    throw std::invalid_argument("--from-days must be greater than --to-days");
  }
  if (o.realtime && o.to_days != 0)
    throw std::invalid_argument("--to-days cannot be combined with --realtime");
  if (o.streams.empty()) throw std::invalid_argument("--streams names no stream");
  if (o.loops < 1) throw std::invalid_argument("--loop must be at least 1");
  if (o.realtime && o.loops != 1)
    throw std::invalid_argument("--loop cannot be combined with --realtime");
  if (!(o.speed > 0) || !std::isfinite(o.speed))
    throw std::invalid_argument("--speed must be positive");
  if (!o.realtime && o.duration_ms) throw std::invalid_argument("--duration needs --realtime");
  if (!o.realtime && o.speed != 1.0) throw std::invalid_argument("--speed needs --realtime");
  if (o.duration_ms && *o.duration_ms <= 0)
    throw std::invalid_argument("--duration must be positive");
}

}  // namespace

std::uint64_t GenerateSummary::lines() const {
  std::uint64_t n = 0;
  for (const ShippedTotals& s : streams) n += s.lines;
  return n;
}

GenerateSummary run_generate(const SiteModel& model, const GenerateOptions& options,
                             store::ObjectStore& store, ShippingClock& clock) {
  check(options);
  SimulationOptions sim_options;
  sim_options.seed = options.seed;
  sim_options.users = options.users;
  sim_options.growth_rate = options.growth_rate;
  sim_options.start_ms = options.present_ms - static_cast<std::int64_t>(options.from_days * kDayMs);
  if (!options.realtime) {
    sim_options.end_ms = options.present_ms - static_cast<std::int64_t>(options.to_days * kDayMs);
  } else if (options.duration_ms) {
    sim_options.end_ms =
        options.present_ms +
        static_cast<std::int64_t>(static_cast<double>(*options.duration_ms) * options.speed);
  }

  std::array<std::unique_ptr<FluentdChunkWriter>, event::kStreamCount> writers;
  // Declared after the writers: destroyed first, it finishes their jobs while they exist.
  ShippingQueue queue;
  std::array<std::string, event::kStreamCount> scratch;
  std::array<std::string*, event::kStreamCount> sinks{};
  for (event::Stream s : options.streams) {
    const auto i = static_cast<std::size_t>(s);
    if (!writers[i])
      writers[i] = std::make_unique<FluentdChunkWriter>(store, s, options.chunks, queue);
    sinks[i] = &scratch[i];
  }
  auto flush_due = [&](std::int64_t now) {
    std::int64_t next = std::numeric_limits<std::int64_t>::max();
    for (auto& w : writers) {
      if (w) next = std::min(next, w->flush_if_due(now));
    }
    return next;
  };

  const EventLineWriter line_writer(options.tag);
  GenerateSummary summary;
  const std::int64_t started = clock.now_ms();
  auto stopped = [&] { return options.stop != nullptr && options.stop->load(); };
  const std::int64_t span_ms = sim_options.end_ms == std::numeric_limits<std::int64_t>::max()
                                   ? 0
                                   : sim_options.end_ms - sim_options.start_ms;
  double fraction = 0;
  std::uint64_t lines = 0;  // event lines written, all streams and loops
  auto report = [&](int loop, std::int64_t ts_ms) {
    if (!options.on_progress) return;
    if (span_ms > 0) {
      const double within = std::clamp(
          static_cast<double>(ts_ms - sim_options.start_ms) / static_cast<double>(span_ms), 0.0,
          1.0);
      fraction = (loop + within) / options.loops;
    }
    options.on_progress(lines, fraction);
  };
  // Once before the first event: a reporter's clock (and so its rate) starts with the run.
  report(0, sim_options.start_ms);
  for (int loop = 0; loop < options.loops; ++loop) {
    SessionSimulator simulator(model, sim_options);
    SimulatedEvent event;
    while (!stopped() && simulator.next(event)) {
      if (options.realtime && event.ts_ms > options.present_ms) {
        const auto due =
            started + static_cast<std::int64_t>(
                          static_cast<double>(event.ts_ms - options.present_ms) / options.speed);
        // A paced run may write a few events a second: progress is reported after every
        // sleep (at least once a second), not only every kFlushCheckEvery page views.
        for (std::int64_t now = clock.now_ms(); now < due && !stopped(); now = clock.now_ms()) {
          clock.sleep_until_ms(std::min({due, flush_due(now), now + kLongestSleepMs}));
          report(loop, event.ts_ms);
        }
        if (stopped()) break;
      }
      const std::int64_t now = clock.now_ms();
      line_writer.write(event, sinks);
      for (std::size_t i = 0; i < event::kStreamCount; ++i) {
        if (scratch[i].empty()) continue;
        writers[i]->append(scratch[i], 1, now);
        scratch[i].clear();
        ++lines;
      }
      if (++summary.page_views % kFlushCheckEvery == 0) {
        flush_due(now);
        report(loop, event.ts_ms);
      }
    }
  }
  for (auto& w : writers) {
    if (w) w->flush();
  }
  queue.drain();
  if (options.on_progress) {
    options.on_progress(lines, stopped() || span_ms == 0 ? fraction : 1.0);
  }
  for (std::size_t i = 0; i < event::kStreamCount; ++i) {
    if (writers[i]) summary.streams[i] = writers[i]->totals();
  }
  summary.elapsed_ms = clock.now_ms() - started;
  return summary;
}

}  // namespace tributary::gen
