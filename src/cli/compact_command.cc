// `tributary compact --lake URI [--warehouse URI | --state URI] [--stream S] [--partition DATE]`
// (the URIs also from TRIBUTARY_LAKE, TRIBUTARY_WAREHOUSE, TRIBUTARY_STATE, as `run` reads them):
// merges small silver files into files near the target size and swaps them in the manifest (see
// lake/compaction.h), then collects garbage: silver objects no manifest entry names, older than
// --gc-grace-minutes (files of crashed batches, replaced files a crash left behind). With a state
// database the swap is also an Iceberg replace snapshot, the replaced files stay for the snapshots
// before it (time travel), snapshots older than --snapshot-retention-hours (or the config's
// silver.snapshot_retention_hours) expire (their files deleted), and garbage collection keeps every
// file a live snapshot lists; a Glue database in the configuration (glue.*) is moved to each
// table's new metadata, as `run` moves it. Prints
// {"partitions":n,"removed":n,"added":[{"key","rows","bytes"}...],"expired_snapshots":n,
//  "garbage_collected":n}.
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/glue_catalog_option.h"
#include "ingest/iceberg_expiry.h"
#include "ingest/ingest_config.h"
#include "ingest/sql_lake_manifest.h"
#include "lake/compaction.h"
#include "lake/parquet/format.h"
#include "store/open_store.h"
#include "util/clock.h"
#include "util/json_writer.h"
#include "warehouse/warehouse.h"

namespace tributary::cli {
namespace {

struct CompactOptions {
  std::string lake;
  std::string warehouse;  // the state database of a lake built by `run`
  std::string state;
  std::string stream;
  std::string partition;
  std::uint64_t target_mb = 128;
  std::uint64_t small_mb = 32;
  std::string codec = "zstd";
  std::int64_t gc_grace_minutes = 60;
  std::string config;  // YAML file: silver.snapshot_retention_hours
  std::optional<std::int64_t> snapshot_retention_hours;  // overrides the config
};

// The configuration compact reads, as `run` reads it (the file, then the environment):
// silver.snapshot_retention_hours, overridden by --snapshot-retention-hours, and glue.*.
ingest::IngestConfig compact_config(const CompactOptions& opts) {
  ingest::IngestConfig config;
  if (!opts.config.empty()) ingest::load_config_file(opts.config, config);
  ingest::apply_environment(config);
  if (opts.snapshot_retention_hours) {
    config.snapshot_retention = std::chrono::hours(*opts.snapshot_retention_hours);
  }
  if (config.snapshot_retention.count() < 0) {
    throw std::invalid_argument("the snapshot retention must be >= 0 hours");
  }
  return config;
}

// A real calendar date, YYYY-MM-DD.
void check_date(const std::string& date) {
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  char tail = 0;
  const bool parsed = date.size() == 10 && date[4] == '-' && date[7] == '-' &&
                      std::sscanf(date.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) == 3;
  if (!parsed ||
      !std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}}
           .ok()) {
    throw std::invalid_argument("--partition must be a date YYYY-MM-DD, not \"" + date + "\"");
  }
}

void run_compact(const CompactOptions& opts) {
  lake::CompactionOptions options;
  const auto codec = lake::parquet::codec_from_name(opts.codec);
  if (!codec) throw std::invalid_argument("--codec must be zstd, snappy or none");
  if (opts.target_mb == 0) throw std::invalid_argument("--target-mb must be positive");
  if (opts.gc_grace_minutes < 0) throw std::invalid_argument("--gc-grace-minutes must be >= 0");
  const ingest::IngestConfig config = compact_config(opts);
  const std::int64_t retention_hours = config.snapshot_retention.count();
  // Glue follows the replace snapshots and expiries as it follows `run`'s commits.
  const std::unique_ptr<lake::iceberg::GlueCatalog> glue = open_glue_catalog(config);
  options.write.parquet.codec = *codec;
  options.write.target_file_bytes = opts.target_mb << 20;
  options.small_file_bytes = opts.small_mb << 20;
  std::optional<std::string> stream;
  if (!opts.stream.empty()) stream = opts.stream;
  std::optional<std::string> partition;
  if (!opts.partition.empty()) {
    check_date(opts.partition);
    partition = opts.partition;
  }
  auto store = store::open_store(opts.lake);
  // A lake built by `run` keeps its manifest in the state database; changing only the lake's copy
  // would be undone (and its files lost) at the next commit.
  const std::string state_uri = !opts.warehouse.empty() ? opts.warehouse : opts.state;
  std::unique_ptr<warehouse::Warehouse> state;
  std::unique_ptr<ingest::SqlLakeManifest> sql_manifest;
  lake::StoreManifest store_manifest(*store);
  lake::LakeManifest* manifest = &store_manifest;
  if (!state_uri.empty()) {
    state = warehouse::Warehouse::open_existing(state_uri);
    sql_manifest =
        std::make_unique<ingest::SqlLakeManifest>(state->connection(), store.get(), glue.get());
    options.keep_replaced_files = true;
    manifest = sql_manifest.get();
    // A database that is not this lake's (a fresh one, another lake's before its first commit)
    // lists no files, and garbage collection would then delete every silver file of the lake.
    // The database `run` used lists files as soon as the lake's own copy of the manifest does.
    if (sql_manifest->entries().empty()) {
      const std::size_t listed = store_manifest.entries().size();
      if (listed > 0) {
        throw std::invalid_argument(
            state->uri().redacted + " lists no lake files but this lake's manifest lists " +
            std::to_string(listed) +
            ": pass the --warehouse (or --state) that `tributary run` used for this lake");
      }
    }
  } else if (store->head(ingest::SqlLakeManifest::kMarkerKey)) {
    throw std::invalid_argument(
        "this lake's manifest is in the database `tributary run` uses: pass --warehouse URI (or "
        "--state URI)");
  }
  const lake::CompactionReport report =
      lake::compact(*store, *manifest, stream, partition, options);
  if (sql_manifest) sql_manifest->publish_copy(*store);
  const std::int64_t now_ms = util::unix_time_ms();
  ingest::SnapshotExpiry expiry;
  if (state) {
    expiry = ingest::expire_snapshots(state->connection(), *store,
                                      now_ms - retention_hours * 3'600'000, now_ms, glue.get());
  }
  const std::vector<std::string> garbage = lake::collect_garbage(
      *store, manifest->entries(), now_ms - opts.gc_grace_minutes * 60'000, expiry.referenced);

  std::string out;
  util::JsonWriter w(out);
  w.begin_object()
      .key("partitions")
      .value(static_cast<std::uint64_t>(report.partitions))
      .key("removed")
      .value(static_cast<std::uint64_t>(report.removed.size()))
      .key("added")
      .begin_array();
  for (const lake::ManifestEntry& e : report.added) {
    w.begin_object().key("key").value(e.key).key("rows").value(e.rows).key("bytes").value(e.bytes);
    w.end_object();
  }
  w.end_array()
      .key("expired_snapshots")
      .value(static_cast<std::uint64_t>(expiry.expired_snapshots))
      .key("garbage_collected")
      .value(static_cast<std::uint64_t>(garbage.size()))
      .end_object();
  out.push_back('\n');
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
}

}  // namespace

void add_compact_command(CLI::App& app) {
  auto opts = std::make_shared<CompactOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compact",
      "Merge each partition's small silver files into files near the target size, swap them in "
      "the lake manifest in one commit, delete the replaced files, then delete silver files no "
      "manifest entry names (older than the grace period).");
  // The same variables as `run`'s, so that a scheduled task shares the workers' environment and
  // no password has to be put on a command line.
  cmd->add_option("--lake", opts->lake, "Lake URI (file:///abs/dir or s3://bucket/prefix)")
      ->required()
      ->envname("TRIBUTARY_LAKE")
      ->type_name("URI");
  cmd->add_option("--warehouse", opts->warehouse,
                  "For a lake built by `run`: the warehouse holding its manifest (lake_file)")
      ->envname("TRIBUTARY_WAREHOUSE");
  cmd->add_option("--state", opts->state,
                  "For a lake built by `run` without a warehouse: its state database")
      ->envname("TRIBUTARY_STATE");
  cmd->add_option("--stream", opts->stream, "Only this table (listen_events, ...)");
  cmd->add_option("--partition", opts->partition, "Only this event date")->type_name("YYYY-MM-DD");
  cmd->add_option("--target-mb", opts->target_mb, "Size of the merged files")
      ->capture_default_str();
  cmd->add_option("--small-mb", opts->small_mb, "Files below this size are merged")
      ->capture_default_str();
  cmd->add_option("--codec", opts->codec, "zstd, snappy or none")->capture_default_str();
  cmd->add_option("--gc-grace-minutes", opts->gc_grace_minutes,
                  "Unreferenced silver files younger than this are kept (a writer may be about to "
                  "commit them)")
      ->capture_default_str();
  cmd->add_option("--snapshot-retention-hours", opts->snapshot_retention_hours,
                  "Iceberg snapshots older than this expire (never a table's current one); the "
                  "files only they list are deleted (default: silver.snapshot_retention_hours of "
                  "--config, 168)");
  cmd->add_option("--config", opts->config,
                  "YAML configuration file, as `run` reads it (env TRIBUTARY_CONFIG)")
      ->envname("TRIBUTARY_CONFIG");
  cmd->callback([opts] { run_compact(*opts); });
}

}  // namespace tributary::cli
