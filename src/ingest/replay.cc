#include "ingest/replay.h"

#include <set>
#include <stdexcept>

#include "ingest/fluentd_key.h"
#include "ingest/iceberg_catalog.h"
#include "ingest/ledger.h"
#include "lake/layout.h"
#include "store/listing_pager.h"
#include "store/open_store.h"
#include "util/log.h"
#include "warehouse/warehouse.h"

namespace tributary::ingest {
namespace {

// bronze key -> raw key, from the ledger of the ingest that archived them.
std::map<std::string, std::string> raw_keys_from_ledger(const std::string& uri) {
  const auto state = warehouse::Warehouse::open(uri);
  return Ledger(*state, {}).archived_raw_keys();
}

// The raw prefix of the original ingest: what precedes "<stream>/" in a raw key it recorded.
std::optional<std::string> raw_prefix_of(const std::map<std::string, std::string>& raw_keys) {
  for (const auto& [bronze_key, raw_key] : raw_keys) {
    const auto name = lake::layout::parse_bronze_file_key(bronze_key);
    if (!name) continue;
    const std::string stream = std::string(event::stream_name(name->stream)) + "/";
    const auto pos = raw_key.rfind(stream);
    if (pos != std::string::npos && (pos == 0 || raw_key[pos - 1] == '/')) {
      return raw_key.substr(0, pos);
    }
  }
  return std::nullopt;
}

// Keys of the silver and quarantine files of `streams`, the tables' Iceberg metadata aside.
std::vector<std::string> derived_files(store::ObjectStore& lake,
                                       const std::vector<event::Stream>& streams) {
  std::vector<std::string> keys;
  for (event::Stream s : streams) {
    for (const std::string& prefix :
         {lake::layout::silver_prefix(s), lake::layout::quarantine_prefix(s)}) {
      for (store::ObjectInfo& o : store::list_all(lake, prefix)) {
        if (!lake::layout::is_table_metadata_key(o.key)) keys.push_back(std::move(o.key));
      }
    }
  }
  return keys;
}

// In place, the replay builds each stream's Iceberg table anew at the old table's location, its
// versions numbered from 1 again. The old table's metadata (whose data files the replay
// replaces) goes first, so that no old version or version hint outlives it; a resumed replay,
// whose target catalog already has the new table, keeps what it wrote.
void drop_old_tables(store::ObjectStore& lake, const std::string& warehouse_uri,
                     const std::vector<event::Stream>& streams) {
  const auto state = warehouse::Warehouse::open(warehouse_uri);
  for (event::Stream s : streams) {
    if (!SqlIcebergCatalog(state->connection()).current(s).empty()) continue;
    for (const store::ObjectInfo& o :
         store::list_all(lake, lake::layout::silver_prefix(s) + "metadata/")) {
      lake.remove(o.key);
    }
  }
}

}  // namespace

ReplayResult replay_from_bronze(ReplayOptions options, IngestObserver& observer) {
  IngestConfig& config = options.config;
  if (config.lake.empty()) throw std::invalid_argument("no lake: pass --lake");
  if (config.warehouse.empty()) throw std::invalid_argument("no warehouse: pass --warehouse");
  ReplayResult result;
  const std::unique_ptr<store::ObjectStore> origin = store::open_store(config.lake, config.store);
  // Compared as the stores name themselves, so "file:///lake/" and "file:///lake" are one lake.
  result.in_place = options.to_lake.empty() ||
                    store::open_store(options.to_lake, config.store)->uri() == origin->uri();
  if (result.in_place && (!options.bronze.since.empty() || !options.bronze.until.empty())) {
    throw std::invalid_argument(
        "--since/--until need --to-lake: in place, whole streams are replayed (old silver files "
        "mix events of every ingest date)");
  }
  options.bronze.streams = config.streams;
  if (!options.ledger.empty()) {
    options.bronze.raw_key_of_bronze = raw_keys_from_ledger(options.ledger);
    if (auto prefix = raw_prefix_of(options.bronze.raw_key_of_bronze)) {
      options.bronze.raw_prefix = *prefix;
    }
  }

  auto bronze = std::make_unique<BronzeSource>(*origin, options.bronze);
  if (bronze->archived_raw_prefix()) options.bronze.raw_prefix = *bronze->archived_raw_prefix();
  result.bronze_objects = bronze->objects();
  result.unparsed_names = bronze->unparsed();
  if (result.unparsed_names > 0) {
    util::log_warn("replay.unparsed_bronze_names",
                   {{"count", static_cast<std::uint64_t>(result.unparsed_names)}});
  }
  // Old derived files, listed before any new one is written.
  const std::vector<std::string> old_files =
      result.in_place ? derived_files(*origin, config.streams) : std::vector<std::string>{};
  if (result.in_place) drop_old_tables(*origin, config.warehouse, config.streams);

  config.source = bronze->uri();
  if (!result.in_place) config.lake = options.to_lake;
  config.raw_prefix = options.bronze.raw_prefix;
  // Every selected object is listed on the first poll; a replay never waits for more.
  config.http_enabled = false;
  // The archive holds only what was ingested: replay every extension it has, whatever the
  // configuration says now.
  std::set<std::string> extensions(config.extensions.begin(), config.extensions.end());
  const std::vector<store::ObjectInfo> selected = bronze->list("").objects;
  for (const store::ObjectInfo& o : selected) {
    if (const auto parsed = parse_fluentd_key(o.key, config.raw_prefix)) {
      extensions.insert(parsed->extension);
    }
  }
  config.extensions.assign(extensions.begin(), extensions.end());
  finalize_config(config);
  util::log_info("replay.started",
                 {{"lake", config.lake},
                  {"in_place", result.in_place},
                  {"bronze_objects", static_cast<std::uint64_t>(result.bronze_objects)}});
  {
    Ingester ingester(config, observer, ReplaySetup{std::move(bronze), !result.in_place});
    ingester.set_progress(options.progress);
    result.totals = ingester.run(/*until_idle=*/true);
  }

  // The selected objects that are not committed. Each has a ledger row by now (the run's first
  // poll lists them all); the target's other rows are not this replay's: another stream's, or,
  // in the original ingest's warehouse, raw objects that were never archived (vanished ones).
  const auto state = warehouse::Warehouse::open(config.warehouse);
  Ledger ledger(*state, {});
  for (const store::ObjectInfo& o : selected) {
    if (ledger.status_of(o.key, o.etag) != "committed") ++result.not_committed;
  }
  if (result.in_place && result.not_committed == 0) {
    std::set<std::string, std::less<>> live;
    for (const warehouse::SqlRow& row :
         state->connection().query("SELECT file_key FROM lake_file")) {
      live.insert(*row[0]);
    }
    for (const std::string& key : old_files) {
      if (live.contains(key)) continue;
      origin->remove(key);
      ++result.replaced_files;
    }
  }
  return result;
}

}  // namespace tributary::ingest
