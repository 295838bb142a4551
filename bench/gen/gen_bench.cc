// bench/gen: single-core throughput of the generator.
//
//  1. simulate + format: SessionSimulator and EventLineWriter into memory (all four streams);
//  2. ship to a file store, plain and gzip: the whole `tributary generate` path (fluentd-sized
//     chunks, FileStore's fsync'd atomic puts) into a scratch directory that is removed after.
// Reports lines/s (one line = one event of any stream) and MB/s of JSON.
// Usage: gen_bench [--users 2000] [--days 60] [--dir /tmp]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "gen/event_line_writer.h"
#include "gen/generate_run.h"
#include "store/file_store.h"

namespace {

using namespace tributary;
using Clock = std::chrono::steady_clock;

constexpr std::int64_t kPresentMs = 1686787200902;  // 2023-06-15T00:00:00.902Z

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

void simulate_and_format(std::uint32_t users, double days) {
  gen::SimulationOptions o;
  o.users = users;
  o.start_ms = kPresentMs - static_cast<std::int64_t>(days * 86'400'000);
  o.end_ms = kPresentMs;
  const auto t0 = Clock::now();
  gen::SessionSimulator sim(gen::SiteModel::reference(), o);
  const gen::EventLineWriter writer;
  std::array<std::string, event::kStreamCount> out;
  const std::array<std::string*, event::kStreamCount> sinks{&out[0], &out[1], &out[2], &out[3]};
  gen::SimulatedEvent e;
  std::uint64_t lines = 0, bytes = 0;
  while (sim.next(e)) {
    lines += writer.write(e, sinks);
    for (std::string& s : out) {
      // Reuse the buffers as fluentd-sized chunks would be: count, then forget.
      if (s.size() >= (3u << 20)) bytes += s.size(), s.clear();
    }
  }
  for (const std::string& s : out) bytes += s.size();
  const double secs = seconds_since(t0);
  std::printf("simulate+format   %10llu lines  %6.2f s  %6.2f M lines/s  %7.1f MB/s\n",
              static_cast<unsigned long long>(lines), secs, lines / secs / 1e6, bytes / secs / 1e6);
}

void ship(std::uint32_t users, double days, bool gzip, const std::filesystem::path& dir) {
  std::filesystem::remove_all(dir);
  store::FileStore store(dir);
  gen::SystemShippingClock clock;
  gen::GenerateOptions o;
  o.users = users;
  o.present_ms = kPresentMs;
  o.from_days = days;
  o.chunks.gzip = gzip;
  const auto t0 = Clock::now();
  const gen::GenerateSummary s = gen::run_generate(gen::SiteModel::reference(), o, store, clock);
  const double secs = seconds_since(t0);
  std::uint64_t objects = 0, bytes = 0;
  for (const auto& t : s.streams) objects += t.objects, bytes += t.bytes;
  std::printf(
      "ship to file://, %-5s %8llu lines  %6.2f s  %6.2f M lines/s  %5llu objects  %7.1f MB "
      "stored\n",
      gzip ? "gzip" : "plain", static_cast<unsigned long long>(s.lines()), secs,
      s.lines() / secs / 1e6, static_cast<unsigned long long>(objects), bytes / 1e6);
  std::filesystem::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  std::uint32_t users = 2000;
  double days = 60;
  std::filesystem::path base = std::filesystem::temp_directory_path();
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--users") == 0) {
      users = static_cast<std::uint32_t>(std::strtoul(argv[i + 1], nullptr, 10));
    } else if (std::strcmp(argv[i], "--days") == 0) {
      days = std::strtod(argv[i + 1], nullptr);
    } else if (std::strcmp(argv[i], "--dir") == 0) {
      base = argv[i + 1];
    } else {
      std::fprintf(stderr, "usage: gen_bench [--users N] [--days D] [--dir DIR]\n");
      return 2;
    }
  }
  std::printf("gen_bench: %u users, %.1f days\n", users, days);
  simulate_and_format(users, days);
  const auto dir = base / ("tributary-gen-bench-" + std::to_string(::getpid()));
  ship(users, days, false, dir);
  ship(users, days, true, dir);
  return 0;
}
