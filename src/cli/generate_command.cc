// `tributary generate`: an eventsim-compatible generator shipping fluentd-style objects to a
// store. Prints one JSON summary line on success:
// {"store","prefix","page_views","lines","objects","bytes","seconds","lines_per_second",
//  "streams":{"<stream>":{"lines","objects","bytes"}}}
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.h"
#include "gen/generate_run.h"
#include "gen/site_model.h"
#include "store/open_store.h"
#include "util/file.h"
#include "util/json_writer.h"
#include "util/progress.h"

namespace tributary::cli {
namespace {

struct GenerateCommandOptions {
  std::string store;
  std::string prefix = "Raw/";
  std::uint32_t users = 1000;
  double growth_rate = 0.01;
  double from_days = 7;
  double to_days = 0;
  std::string now;
  std::uint64_t seed = 1;
  std::vector<std::string> streams;
  bool gzip = false;
  std::size_t chunk_bytes = 3 << 20;
  double flush_interval = 60;
  bool realtime = false;
  double speed = 1;
  std::optional<double> duration;
  int loops = 1;
  std::string tag;
  std::string config;
};

std::atomic<bool> g_stop{false};

extern "C" void request_stop(int) {
  g_stop.store(true);
}

// "2023-06-17T19:00:00Z", "2023-06-17T19:00:00.902Z" or epoch milliseconds.
std::int64_t parse_now(const std::string& text) {
  const std::string expected =
      "--now: expected a UTC time like 2023-06-17T19:00:00Z or epoch milliseconds, got '" + text +
      "'";
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
    try {
      return std::stoll(text);
    } catch (const std::out_of_range&) {
      throw std::runtime_error(expected);
    }
  }
  int y, mo, d, h, mi, s, consumed = 0;
  unsigned ms = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &consumed) !=
      6) {
    throw std::runtime_error(expected);
  }
  std::string rest = text.substr(static_cast<std::size_t>(consumed));
  if (rest.size() == 5 && rest[0] == '.' && rest[4] == 'Z' &&
      rest.find_first_not_of("0123456789", 1) == 4) {
    ms = static_cast<unsigned>(std::stoul(rest.substr(1, 3)));
    rest = "Z";
  }
  using namespace std::chrono;
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)),
                           day(static_cast<unsigned>(d))};
  if (rest != "Z" || !ymd.ok() || h > 23 || mi > 59 || s > 59) throw std::runtime_error(expected);
  const auto t = sys_days(ymd) + hours(h) + minutes(mi) + seconds(s) + milliseconds(ms);
  return duration_cast<milliseconds>(t.time_since_epoch()).count();
}

std::string summary_json(const std::string& store_uri, const gen::GenerateOptions& options,
                         const gen::GenerateSummary& summary) {
  std::uint64_t objects = 0, bytes = 0;
  for (const auto& s : summary.streams) objects += s.objects, bytes += s.bytes;
  const double seconds = static_cast<double>(summary.elapsed_ms) / 1000.0;
  std::string out;
  util::JsonWriter w(out);
  w.begin_object()
      .key("store")
      .value(store_uri)
      .key("prefix")
      .value(options.chunks.prefix)
      .key("page_views")
      .value(summary.page_views)
      .key("lines")
      .value(summary.lines())
      .key("objects")
      .value(objects)
      .key("bytes")
      .value(bytes)
      .key("seconds")
      .value(seconds)
      .key("lines_per_second")
      .value(seconds > 0 ? static_cast<double>(summary.lines()) / seconds : 0.0)
      .key("streams")
      .begin_object();
  for (event::Stream s : options.streams) {
    const auto& t = summary.streams[static_cast<std::size_t>(s)];
    w.key(event::stream_name(s))
        .begin_object()
        .key("lines")
        .value(t.lines)
        .key("objects")
        .value(t.objects)
        .key("bytes")
        .value(t.bytes)
        .end_object();
  }
  w.end_object().end_object();
  return out;
}

void run_generate_command(const GenerateCommandOptions& opts) {
  gen::GenerateOptions options;
  options.seed = opts.seed;
  options.users = opts.users;
  options.growth_rate = opts.growth_rate;
  options.from_days = opts.from_days;
  options.to_days = opts.to_days;
  options.chunks.prefix = opts.prefix;
  options.chunks.gzip = opts.gzip;
  if (opts.chunk_bytes < 1024) throw std::runtime_error("--chunk-bytes must be at least 1024");
  options.chunks.chunk_bytes = opts.chunk_bytes;
  if (!(opts.flush_interval >= 0.001)) {
    throw std::runtime_error("--flush-interval must be at least 0.001 seconds");
  }
  options.chunks.flush_interval_ms = static_cast<std::int64_t>(opts.flush_interval * 1000);
  options.realtime = opts.realtime;
  options.speed = opts.speed;
  if (opts.duration) {
    if (!(*opts.duration > 0)) throw std::runtime_error("--duration must be positive");
    options.duration_ms = static_cast<std::int64_t>(*opts.duration * 1000);
  }
  options.loops = opts.loops;
  options.tag = opts.tag;
  if (!opts.streams.empty()) {
    options.streams.clear();
    for (const std::string& name : opts.streams) {
      const auto s = event::stream_from_name(name);
      if (!s) {
        throw std::runtime_error("--streams: unknown stream '" + name +
                                 "' (expected listen_events, page_view_events, auth_events or "
                                 "status_change_events)");
      }
      options.streams.push_back(*s);
    }
  }
  std::optional<gen::SiteModel> custom;
  if (!opts.config.empty()) {
    try {
      custom.emplace(gen::SiteModel::from_json(util::read_file(opts.config)));
    } catch (const std::runtime_error& e) {
      throw std::runtime_error("--config: " + std::string(e.what()));
    }
  }
  const gen::SiteModel& model = custom ? *custom : gen::SiteModel::reference();

  gen::SystemShippingClock clock;
  options.present_ms = opts.now.empty() ? clock.now_ms() : parse_now(opts.now);
  std::unique_ptr<store::ObjectStore> store = store::open_store(opts.store);

  options.stop = &g_stop;
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  // Progress on stderr (stdout stays the JSON summary): simulated minutes of a batch run, events
  // (lines, as lines_per_second counts them) of a realtime one, whose end is the wall clock's.
  // The run starts when run_generate first reports (it has accepted the options); the progress
  // line is created once there is progress, so a run refused for its options or failing before
  // its first event prints only the reason, and its rate is measured from the start.
  const auto minutes =
      static_cast<std::uint64_t>(std::max(0.0, opts.from_days - opts.to_days) * 1440 * opts.loops);
  std::optional<std::chrono::steady_clock::time_point> started;
  std::optional<util::Progress> progress;
  options.on_progress = [&](std::uint64_t lines, double fraction) {
    if (!started) started = std::chrono::steady_clock::now();
    if (!progress) {
      if (lines == 0 && fraction == 0) return;
      util::ProgressOptions progress_options;
      progress_options.label = "generate";
      progress_options.unit = options.realtime ? "events" : "simulated minutes";
      progress_options.started = started;
      progress.emplace(std::move(progress_options), options.realtime ? 0 : minutes);
    }
    progress->set_done(options.realtime
                           ? lines
                           : static_cast<std::uint64_t>(fraction * static_cast<double>(minutes)));
  };
  gen::GenerateSummary summary;
  try {
    summary = gen::run_generate(model, options, *store, clock);
    if (progress) progress->finish();
  } catch (const store::StoreError& e) {
    throw std::runtime_error("cannot write to the store: " + std::string(e.what()));
  }
  std::printf("%s\n", summary_json(store->uri(), options, summary).c_str());
  std::fflush(stdout);
}

}  // namespace

void add_generate_command(CLI::App& app) {
  auto opts = std::make_shared<GenerateCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "generate",
      "Simulate eventsim's music site (users, sessions, pages, songs) and ship its four event "
      "streams to a store as fluentd's S3 output does: <prefix><stream>/<%Y%m%d%H>_<index>.json "
      "(or .gz). Deterministic for a seed and --now.");
  cmd->add_option("--store", opts->store, "Where to ship: file:///abs/dir or s3://bucket/prefix")
      ->required();
  cmd->add_option("--prefix", opts->prefix, "Key prefix before <stream>/")->capture_default_str();
  cmd->add_option("--users", opts->users, "Users at the start")->capture_default_str();
  cmd->add_option("--growth-rate", opts->growth_rate,
                  "New users per year as a fraction of the current users (they arrive as guests)")
      ->capture_default_str();
  cmd->add_option("--from-days", opts->from_days, "Simulate from this many days before --now")
      ->capture_default_str();
  cmd->add_option("--to-days", opts->to_days, "... up to this many days before --now (batch runs)")
      ->capture_default_str();
  cmd->add_option("--now", opts->now,
                  "The simulated present: 2023-06-17T19:00:00Z or epoch ms (default: the current "
                  "time); its milliseconds carry into every ts, as in eventsim");
  cmd->add_option("--seed", opts->seed, "Random seed; the same seed and --now give the same events")
      ->capture_default_str();
  cmd->add_option("--streams", opts->streams, "Comma-separated streams to ship (default: all four)")
      ->delimiter(',')
      ->type_name("LIST");
  cmd->add_flag("--gzip", opts->gzip,
                "Store objects gzip-compressed as .gz (fluentd store_as gzip)");
  cmd->add_option(
         "--chunk-bytes", opts->chunk_bytes,
         "Largest chunk before compression; an object is shipped before it grows past this")
      ->capture_default_str();
  cmd->add_option("--flush-interval", opts->flush_interval,
                  "Seconds after its first line that a chunk is shipped at the latest")
      ->capture_default_str();
  cmd->add_flag("--realtime", opts->realtime,
                "After backfilling up to --now, emit events at wall-clock pace (forever, or for "
                "--duration)");
  cmd->add_option("--speed", opts->speed,
                  "With --realtime: simulated seconds per wall-clock second")
      ->capture_default_str();
  cmd->add_option("--duration", opts->duration, "With --realtime: stop after this many seconds")
      ->type_name("SECONDS");
  cmd->add_option("--loop", opts->loops,
                  "Emit the same run this many times, like the reference `while true` loop, so "
                  "duplicates arrive as in production")
      ->capture_default_str();
  cmd->add_option("--tag", opts->tag, "eventsim's --tag: a tag field on identified users' events");
  cmd->add_option("--config", opts->config,
                  "An eventsim JSON config (default: the reference setup's example-config.json)")
      ->type_name("FILE");
  cmd->callback([opts] { run_generate_command(*opts); });
}

}  // namespace tributary::cli
