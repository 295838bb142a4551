// `tributary replay --from-bronze --lake URI --warehouse URI [--to-lake URI] [--stream S]...
// [--since DATE] [--until DATE] [--raw-prefix P] [--ledger URI] [--config FILE]`: rebuilds silver
// and the warehouse from the lake's bronze archive alone (src/ingest/replay.h).
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "ingest/replay.h"
#include "util/json_writer.h"
#include "util/log.h"
#include "util/progress.h"
#include "warehouse/calendar.h"

namespace tributary::cli {
namespace {

struct ReplayFlags {
  bool from_bronze = false;
  std::string config, lake, to_lake, warehouse, ledger, since, until, worker_id;
  std::string raw_prefix = "Raw/";
  std::vector<std::string> streams;
};

// A real calendar date: 2024-02-30 is refused, not compared as a string against ingest dates.
bool is_date(const std::string& s) {
  return warehouse::parse_date_key(s).has_value();
}

void run_replay(const ReplayFlags& flags) {
  if (!flags.from_bronze) throw std::invalid_argument("replay needs --from-bronze");
  for (const std::string* d : {&flags.since, &flags.until}) {
    if (!d->empty() && !is_date(*d)) throw std::invalid_argument("not a YYYY-MM-DD date: " + *d);
  }
  ingest::ReplayOptions options;
  ingest::IngestConfig& config = options.config;
  if (!flags.config.empty()) ingest::load_config_file(flags.config, config);
  ingest::apply_environment(config);
  config.lake = flags.lake;
  config.warehouse = flags.warehouse;
  if (!flags.worker_id.empty()) config.worker_id = flags.worker_id;
  if (!flags.streams.empty()) {
    config.streams.clear();
    for (const std::string& s : flags.streams) {
      const auto stream = event::stream_from_name(s);
      if (!stream) throw std::invalid_argument("unknown stream: " + s);
      config.streams.push_back(*stream);
    }
  }
  options.to_lake = flags.to_lake;
  options.ledger = flags.ledger;
  options.bronze.raw_prefix = flags.raw_prefix;
  options.bronze.since = flags.since;
  options.bronze.until = flags.until;
  util::log_configure(util::parse_log_format(config.log_format),
                      util::parse_log_level(config.log_level));
  ingest::register_secrets(config);

  ingest::IngestObserver unobserved;  // a replay serves no metrics
  // Objects replayed, on stderr: a bar on a terminal, periodic lines otherwise.
  util::Progress progress("replay", "objects");
  options.progress = &progress;
  const ingest::ReplayResult r = ingest::replay_from_bronze(std::move(options), unobserved);
  progress.finish();
  std::string out;
  util::JsonWriter(out)
      .begin_object()
      .key("in_place")
      .value(r.in_place)
      .key("bronze_objects")
      .value(static_cast<std::uint64_t>(r.bronze_objects))
      .key("unparsed_names")
      .value(static_cast<std::uint64_t>(r.unparsed_names))
      .key("batches")
      .value(r.totals.batches)
      .key("objects")
      .value(r.totals.objects)
      .key("failed_batches")
      .value(r.totals.failed_batches)
      .key("events")
      .value(r.totals.events)
      .key("new_events")
      .value(r.totals.new_events)
      .key("duplicates")
      .value(r.totals.duplicates)
      .key("quarantined")
      .value(r.totals.quarantined)
      .key("not_committed")
      .value(r.not_committed)
      .key("replaced_files")
      .value(static_cast<std::uint64_t>(r.replaced_files))
      .end_object();
  std::printf("%s\n", out.c_str());
  std::fflush(stdout);
  if (r.not_committed > 0) {
    std::fprintf(stderr,
                 "tributary replay: %llu archived objects were not committed (see `tributary "
                 "status`); old files were kept\n",
                 static_cast<unsigned long long>(r.not_committed));
    throw ExitCode{kExitPartialFailure};
  }
}

}  // namespace

void add_replay_command(CLI::App& app) {
  auto flags = std::make_shared<ReplayFlags>();
  CLI::App* cmd = app.add_subcommand(
      "replay",
      "Rebuild silver, quarantine and the warehouse from the lake's bronze archive alone (the raw "
      "bucket may be gone), exactly once and resumable. Into a fresh lake with --to-lake, or in "
      "place (old silver files are replaced once the new ones are committed). The target "
      "warehouse should be fresh: events it already holds are duplicates. See "
      "docs/operations.md.");
  cmd->add_flag("--from-bronze", flags->from_bronze, "Read the lake's bronze/ archive (required)");
  cmd->add_option("--lake", flags->lake, "Lake whose bronze/ is read: file:///abs/dir or s3://...")
      ->required();
  cmd->add_option("--warehouse", flags->warehouse,
                  "Target warehouse: sqlite:///abs/path.db or postgresql://...")
      ->required();
  cmd->add_option("--to-lake", flags->to_lake,
                  "Fresh lake to write (bronze copied, silver rebuilt); default: in place");
  cmd->add_option("--stream", flags->streams, "Replay only this stream (repeatable)");
  cmd->add_option("--since", flags->since,
                  "Only objects archived on or after this ingest date (YYYY-MM-DD; needs "
                  "--to-lake)");
  cmd->add_option("--until", flags->until,
                  "Only objects archived before this ingest date (YYYY-MM-DD; needs --to-lake)");
  cmd->add_option("--raw-prefix", flags->raw_prefix,
                  "Prefix of the original raw keys, for lineage (default Raw/; the --ledger's "
                  "keys win)");
  cmd->add_option("--ledger", flags->ledger,
                  "State database or warehouse of the original ingest: exact raw keys");
  cmd->add_option("--config", flags->config, "YAML configuration file (decode and batch settings)");
  cmd->add_option("--worker-id", flags->worker_id, "This worker's name in the target ledger");
  cmd->callback([flags] { run_replay(*flags); });
}

}  // namespace tributary::cli
