// `tributary demo [--dir DIR] [--users N] [--days D] [--seed S] [--pace SECONDS] [--top N]`: the
// whole pipeline on embedded defaults. In DIR (default ./tributary-demo) the generator ships a
// few days of a few hundred users to a file:// raw bucket (DIR/raw) while the ingester, in the
// same process, follows it into the lake (DIR/lake) and a SQLite warehouse (DIR/warehouse.db);
// a progress line shows both. Then it prints the report for the simulated period (also written
// to DIR/report.json and, with charts and a map, DIR/report.html), writes DuckDB views over
// silver to DIR/duckdb.sql, and says where to look.
//
// Re-running in the same DIR continues that demo (see cli/demo_state.h): finished generation is
// not repeated, an interrupted one is redone with the same events (duplicates the ingester drops
// by event key), and ingestion picks up whatever is not committed yet. Nothing is duplicated.
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "cli/commands.h"
#include "cli/counting_store.h"
#include "cli/demo_guide.h"
#include "cli/demo_state.h"
#include "gen/generate_run.h"
#include "gen/site_model.h"
#include "ingest/ingester.h"
#include "ingest/ledger.h"
#include "ingest/sql_lake_manifest.h"
#include "lake/catalog.h"
#include "lake/manifest.h"
#include "store/open_store.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/progress_line.h"
#include "warehouse/location_coordinates.h"
#include "warehouse/report.h"
#include "warehouse/report_format.h"
#include "warehouse/report_html.h"
#include "warehouse/warehouse.h"

namespace tributary::cli {
namespace {

namespace fs = std::filesystem;
constexpr std::int64_t kDayMs = 86'400'000;

struct DemoOptions {
  std::string dir = "tributary-demo";
  std::uint32_t users = 500;
  double days = 5;
  std::uint64_t seed = 1;
  double pace = 20;
  std::int64_t top = 10;
};

std::atomic<bool> g_interrupted{false};

extern "C" void interrupt_demo(int) {
  g_interrupted.store(true);
}

void check(const DemoOptions& o) {
  if (o.dir.empty()) throw std::invalid_argument("--dir must not be empty");
  if (o.users < 1 || o.users > 100'000) throw std::invalid_argument("--users must be 1 to 100000");
  if (!(o.days > 0 && o.days <= 366)) throw std::invalid_argument("--days must be in (0, 366]");
  if (!(o.pace >= 0 && o.pace <= 3600)) {
    throw std::invalid_argument("--pace must be 0 to 3600 seconds");
  }
  if (o.top < 1) throw std::invalid_argument("--top must be at least 1");
}

// The state of the demo in `file`: the recorded one, or a new one ending now.
DemoState demo_state(const fs::path& file, const DemoOptions& o) {
  if (auto state = load_demo_state(file)) {
    if (state->users != o.users || state->days != o.days || state->seed != o.seed) {
      std::ostringstream why;
      why << file.parent_path().string() << " holds a demo of --users " << state->users
          << " --days " << state->days << " --seed " << state->seed
          << ": re-run with those, or choose another --dir";
      throw std::runtime_error(why.str());
    }
    return *state;
  }
  DemoState state;
  state.users = o.users;
  state.days = o.days;
  state.seed = o.seed;
  const std::int64_t now = util::unix_time_ms();
  state.start_ms = now - static_cast<std::int64_t>(std::llround(o.days * kDayMs));
  return state;
}

// Paced (pace > 0): the simulated period passes in `pace` wall-clock seconds, objects flushed
// every second, as a fast-forwarded fluentd would ship them. Otherwise: as fast as possible.
gen::GenerateOptions generate_options(const DemoState& state, double pace) {
  gen::GenerateOptions options;
  options.seed = state.seed;
  options.users = state.users;
  options.chunks.prefix = "Raw/";
  if (pace > 0) {
    // A realtime run backfills up to its present at once, then paces: the present is a moment
    // after the start (1/1024 day: exact in binary, so the simulation starts at start_ms).
    constexpr double kBackfillDays = 1.0 / 1024;
    options.realtime = true;
    options.from_days = kBackfillDays;
    options.present_ms = state.start_ms + static_cast<std::int64_t>(kBackfillDays * kDayMs);
    options.duration_ms = static_cast<std::int64_t>(std::llround(pace * 1000));
    options.speed = static_cast<double>(state.end_ms() - options.present_ms) /
                    static_cast<double>(*options.duration_ms);
    options.chunks.flush_interval_ms = 1000;
  } else {
    options.present_ms = state.end_ms();
    options.from_days = state.days;
  }
  options.stop = &g_interrupted;
  return options;
}

struct LedgerProgress {
  std::int64_t objects = 0, committed = 0, new_events = 0, quarantined = 0;
  std::int64_t unfinished = 0;  // seen, claimed or failed: not (yet) ingested
};

LedgerProgress read_progress(warehouse::Warehouse& db) {
  const ingest::LedgerSummary summary = ingest::Ledger(db, "demo").summary();
  const ingest::LedgerCounts& o = summary.objects;
  LedgerProgress p;
  p.objects = static_cast<std::int64_t>(o.seen + o.claimed + o.committed + o.vanished + o.failed +
                                        o.ignored);
  p.committed = static_cast<std::int64_t>(o.committed);
  p.unfinished = static_cast<std::int64_t>(o.seen + o.claimed + o.failed);
  p.new_events = static_cast<std::int64_t>(summary.new_events);
  p.quarantined = static_cast<std::int64_t>(summary.quarantined);
  return p;
}

std::string progress_text(const CountingStore* raw, const LedgerProgress& p, double seconds) {
  char text[256];
  int n = 0;
  if (raw != nullptr) {
    n = std::snprintf(text, sizeof text, "generated %llu events in %llu objects | ",
                      static_cast<unsigned long long>(raw->lines()),
                      static_cast<unsigned long long>(raw->objects()));
  }
  std::snprintf(text + n, sizeof text - static_cast<std::size_t>(n),
                "committed %lld/%lld objects, %lld events (%lld quarantined) | %.1f s",
                static_cast<long long>(p.committed), static_cast<long long>(p.objects),
                static_cast<long long>(p.new_events), static_cast<long long>(p.quarantined),
                seconds);
  return text;
}

// Shows progress from its own thread until stop(); also turns an interrupt into ingester.stop().
class ProgressTicker {
 public:
  ProgressTicker(const std::string& warehouse_uri, const CountingStore* raw,
                 ingest::Ingester& ingester)
      : raw_(raw), started_(std::chrono::steady_clock::now()) {
    thread_ = std::thread([this, warehouse_uri, &ingester] { loop(warehouse_uri, ingester); });
  }
  ~ProgressTicker() { stop(); }

  void stop() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  // Progress is best effort: if the database cannot be read, the line stops, not the demo.
  void loop(const std::string& warehouse_uri, ingest::Ingester& ingester) {
    try {
      show(warehouse_uri, ingester);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "tributary: no more progress: %s\n", e.what());
      std::unique_lock lock(mutex_);
      while (!changed_.wait_for(lock, std::chrono::milliseconds(500), [&] { return done_; })) {
        if (g_interrupted.load()) ingester.stop();
      }
    }
  }

  void show(const std::string& warehouse_uri, ingest::Ingester& ingester) {
    util::ProgressLineOptions options;
    options.out = stdout;
    options.line_interval = std::chrono::seconds(5);
    util::ProgressLine line(options);
    const auto db = warehouse::Warehouse::open(warehouse_uri);
    auto text = [&](std::chrono::steady_clock::time_point now) {
      const double seconds = std::chrono::duration<double>(now - started_).count();
      return progress_text(raw_, read_progress(*db), seconds);
    };
    std::unique_lock lock(mutex_);
    while (!changed_.wait_for(lock, std::chrono::milliseconds(500), [&] { return done_; })) {
      if (g_interrupted.load()) ingester.stop();
      const auto now = std::chrono::steady_clock::now();
      line.update(text(now), now);
    }
    line.finish(text(std::chrono::steady_clock::now()));
  }

  const CountingStore* raw_;
  std::chrono::steady_clock::time_point started_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool done_ = false;
  std::thread thread_;  // last: starts after the members it uses exist
};

// Generates on a thread of its own while `ingester` follows on this one; then ingests what is
// left. Returns false when interrupted before generation finished.
bool generate_and_ingest(const DemoState& state, double pace, CountingStore& raw,
                         ingest::Ingester& ingester) {
  std::mutex mutex;
  std::condition_variable changed;
  bool generating = true;
  std::exception_ptr failure;
  std::thread generator([&] {
    try {
      gen::SystemShippingClock clock;
      gen::run_generate(gen::SiteModel::reference(), generate_options(state, pace), raw, clock);
    } catch (...) {
      failure = std::current_exception();
    }
    std::lock_guard lock(mutex);
    generating = false;
    changed.notify_all();
  });
  // Each until-idle pass takes everything listed so far; between passes, wait for more objects
  // to arrive (or generation to end). The pass after generation ended sees every object.
  try {
    for (bool last_pass = false; !last_pass && !g_interrupted.load();) {
      {
        std::lock_guard lock(mutex);
        last_pass = !generating;
      }
      ingester.run(/*until_idle=*/true);
      if (!last_pass) {
        std::unique_lock lock(mutex);
        changed.wait_for(lock, std::chrono::milliseconds(500), [&] { return !generating; });
      }
    }
  } catch (...) {
    g_interrupted.store(true);  // ends the generator
    generator.join();
    throw;
  }
  generator.join();
  if (failure) std::rethrow_exception(failure);
  return !g_interrupted.load();
}

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  out.flush();
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

// How the guide names this binary: its absolute path (a fresh build is not on PATH), or plain
// `tributary` where the kernel does not say.
std::string program_path() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("tributary") : self.string();
}

// The options a re-run must repeat: those of the demo in the directory that are not defaults.
std::string rerun_options(const DemoState& state) {
  const DemoOptions defaults;
  std::ostringstream out;
  if (state.users != defaults.users) out << " --users " << state.users;
  if (state.days != defaults.days) out << " --days " << state.days;
  if (state.seed != defaults.seed) out << " --seed " << state.seed;
  return out.str();
}

void run_demo(const DemoOptions& opts) {
  check(opts);
  const DemoPaths paths(opts.dir);
  fs::create_directories(paths.raw);
  fs::create_directories(paths.lake);
  const fs::path state_file = paths.dir / "demo.state";
  DemoState state = demo_state(state_file, opts);
  save_demo_state(state_file, state);

  // Batch-level logs would scroll the progress line away; warnings and errors still show.
  util::log_configure(util::LogFormat::kLogfmt, util::LogLevel::kWarn);
  ingest::IngestConfig config;
  config.source = paths.raw_uri;
  config.lake = paths.lake_uri;
  config.warehouse = paths.warehouse_uri;
  config.http_enabled = false;
  config.worker_id = "demo";
  config.poll_interval = std::chrono::milliseconds(250);
  ingest::finalize_config(config);
  ingest::IngestObserver unobserved;  // the demo shows its own progress
  ingest::Ingester ingester(config, unobserved);

  std::signal(SIGINT, interrupt_demo);
  std::signal(SIGTERM, interrupt_demo);
  std::printf("tributary demo in %s: %u users, %g day%s from %s (seed %llu)\n",
              paths.dir.string().c_str(), state.users, state.days, state.days == 1 ? "" : "s",
              state.first_day().c_str(), static_cast<unsigned long long>(state.seed));
  std::fflush(stdout);
  bool complete = true;
  if (!state.generated) {
    const std::unique_ptr<store::ObjectStore> raw_store = store::open_store(paths.raw_uri);
    CountingStore raw(*raw_store);
    ProgressTicker ticker(paths.warehouse_uri, &raw, ingester);
    complete = generate_and_ingest(state, opts.pace, raw, ingester);
    ticker.stop();
    if (complete) {
      state.generated = true;
      save_demo_state(state_file, state);
    }
  } else {
    std::printf("raw data already generated; ingesting whatever is not committed yet\n");
    ProgressTicker ticker(paths.warehouse_uri, nullptr, ingester);
    ingester.run(/*until_idle=*/true);
  }
  if (!complete || g_interrupted.load()) {
    std::fprintf(stderr, "tributary: demo interrupted; run it again to continue\n");
    throw ExitCode{130};
  }

  const auto db = warehouse::Warehouse::open(paths.warehouse_uri);
  const LedgerProgress done = read_progress(*db);
  if (done.unfinished > 0) {
    throw std::runtime_error(
        std::to_string(done.unfinished) +
        " raw objects could not be ingested: see `tributary status --warehouse " +
        paths.warehouse_uri + "`");
  }
  warehouse::ReportOptions report_options;
  report_options.period = {state.first_day(), state.day_after_last()};
  report_options.top = opts.top;
  const warehouse::Report report = warehouse::run_report(db->connection(), report_options);
  write_text(paths.dir / "report.json", warehouse::report_json(report));
  write_text(paths.dir / "report.html",
             warehouse::report_html(report, warehouse::location_coordinates(db->connection())));
  write_text(paths.dir / "duckdb.sql",
             lake::duckdb_parquet_views(paths.lake_uri,
                                        ingest::SqlLakeManifest(db->connection()).entries()));
  std::printf("\n%s%s", warehouse::report_table(report).c_str(),
              where_to_look(paths, program_path(), rerun_options(state)).c_str());
  std::fflush(stdout);
}

}  // namespace

void add_demo_command(CLI::App& app) {
  auto opts = std::make_shared<DemoOptions>();
  CLI::App* cmd = app.add_subcommand(
      "demo",
      "The whole pipeline on embedded defaults: generate a few days of eventsim data into a local "
      "bucket while ingesting it into a Parquet lake and a SQLite warehouse, then print the BI "
      "report and where to explore. Re-running in the same --dir continues the same demo.");
  cmd->add_option("--dir", opts->dir, "Working directory: raw/, lake/, warehouse.db")
      ->capture_default_str();
  cmd->add_option("--users", opts->users, "Simulated users")->capture_default_str();
  cmd->add_option("--days", opts->days, "Simulated days, ending when the demo first ran")
      ->capture_default_str();
  cmd->add_option("--seed", opts->seed, "Generator seed")->capture_default_str();
  cmd->add_option("--pace", opts->pace,
                  "Wall-clock seconds over which the simulated days are shipped, so ingestion "
                  "follows them as they arrive (0: generate as fast as possible)")
      ->capture_default_str();
  cmd->add_option("--top", opts->top, "Rows per list in the report")->capture_default_str();
  cmd->callback([opts] { run_demo(*opts); });
}

}  // namespace tributary::cli
