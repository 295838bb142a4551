#include "ingest/sql_lake_manifest.h"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "ingest/iceberg_catalog.h"
#include "lake/iceberg/silver_tables.h"
#include "lake/layout.h"
#include "util/clock.h"

namespace tributary::ingest {
namespace {

using warehouse::SqlRow;
using warehouse::SqlValue;

// A change's silver files, per table.
struct TableChange {
  std::vector<std::string> removed;  // full URIs
  std::vector<lake::iceberg::DataFile> added;
  std::string batch_id;  // the compaction's, from the added files
};

std::map<event::Stream, TableChange> by_table(const lake::ManifestChange& change,
                                              const std::string& lake_uri) {
  std::map<event::Stream, TableChange> out;
  const auto stream_of = [](std::string_view name) {
    const std::optional<event::Stream> s = event::stream_from_name(name);
    if (!s) throw std::runtime_error("lake_file names an unknown table " + std::string(name));
    return *s;
  };
  for (const lake::ManifestEntry& e : change.add) {
    if (lake::layout::is_quarantine_key(e.key)) continue;
    const auto metrics = change.add_metrics.find(e.key);
    if (metrics == change.add_metrics.end()) {
      throw std::invalid_argument("no column metrics for " + e.key +
                                  ": an Iceberg table cannot list it");
    }
    const event::Stream stream = stream_of(e.table);
    TableChange& t = out[stream];
    t.added.push_back(lake::iceberg::silver_data_file(lake_uri, e, stream, metrics->second));
    t.batch_id = e.batch_id;
  }
  for (const std::string& key : change.remove) {
    if (lake::layout::is_quarantine_key(key)) continue;
    const std::string table = key.substr(
        lake::layout::kSilverRoot.size(),
        key.find('/', lake::layout::kSilverRoot.size()) - lake::layout::kSilverRoot.size());
    out[stream_of(table)].removed.push_back(lake_uri + "/" + key);
  }
  return out;
}

// Commits `change` as a replace snapshot of `stream`'s table, inside the caller's transaction.
// Returns false when the stream has no Iceberg table (nothing to record).
bool commit_replace(warehouse::SqlConnection& db, store::ObjectStore& lake, event::Stream stream,
                    TableChange& change) {
  SqlIcebergCatalog catalog(db);
  const std::string previous = catalog.lock_current(stream);
  if (previous.empty()) return false;
  const lake::iceberg::ReadFile read = [&](const std::string& uri) {
    return lake.get(lake_key(lake, uri)).body;
  };
  std::sort(change.added.begin(), change.added.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  const lake::iceberg::IcebergTable table = lake::iceberg::silver_table(lake.uri(), stream);
  const lake::iceberg::CommitResult next =
      table.commit_replace(lake::iceberg::IcebergTable::parse_state(read(previous), previous),
                           change.removed, change.added,
                           {lake::iceberg::snapshot_id_for(std::string(event::stream_name(stream)) +
                                                           "/" + change.batch_id),
                            util::unix_time_ms()},
                           read);
  for (const lake::iceberg::OutputFile& f : next.files) {
    if (f.path == "metadata/version-hint.text") continue;  // after the COMMIT
    lake.put(lake_key(lake, f.location), f.bytes);
  }
  catalog.swap(stream, previous, next.state.metadata_location, next.state.version, {});
  return true;
}

}  // namespace

void record_lake_files(warehouse::SqlConnection& db,
                       const std::vector<lake::ManifestEntry>& files) {
  for (const lake::ManifestEntry& f : files) {
    const bool quarantine = lake::layout::is_quarantine_key(f.key);
    const SqlValue params[] = {f.key,
                               std::string(quarantine ? "quarantine" : "silver"),
                               f.table,
                               f.partition,
                               static_cast<std::int64_t>(f.rows),
                               static_cast<std::int64_t>(f.bytes),
                               f.min_ts_ms,
                               f.max_ts_ms,
                               f.batch_id};
    db.execute(
        "INSERT INTO lake_file (file_key, kind, table_name, partition_name, rows, bytes,"
        " min_ts_ms, max_ts_ms, batch_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        " ON CONFLICT (file_key) DO UPDATE SET rows = excluded.rows, bytes = excluded.bytes,"
        " min_ts_ms = excluded.min_ts_ms, max_ts_ms = excluded.max_ts_ms,"
        " batch_id = excluded.batch_id",
        params);
  }
}

std::vector<lake::ManifestEntry> SqlLakeManifest::entries() {
  std::vector<lake::ManifestEntry> out;
  for (const SqlRow& r :
       db_.query("SELECT table_name, partition_name, file_key, rows, bytes, min_ts_ms, max_ts_ms,"
                 " batch_id FROM lake_file WHERE kind = 'silver' ORDER BY file_key")) {
    lake::ManifestEntry e;
    e.table = *r[0];
    e.partition = *r[1];
    e.key = *r[2];
    e.rows = static_cast<std::uint64_t>(warehouse::sql_int(r[3]));
    e.bytes = static_cast<std::uint64_t>(warehouse::sql_int(r[4]));
    e.min_ts_ms = warehouse::sql_int(r[5]);
    e.max_ts_ms = warehouse::sql_int(r[6]);
    e.batch_id = *r[7];
    out.push_back(std::move(e));
  }
  return out;
}

void SqlLakeManifest::commit(const lake::ManifestChange& change) {
  std::map<event::Stream, TableChange> tables;
  if (lake_ != nullptr) tables = by_table(change, lake_->uri());
  std::vector<event::Stream> replaced;
  db_.execute_script(db_.dialect() == warehouse::Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
  try {
    record_lake_files(db_, change.add);
    for (const std::string& key : change.remove) {
      const SqlValue params[] = {key};
      db_.execute("DELETE FROM lake_file WHERE file_key = $1", params);
    }
    for (auto& [stream, t] : tables) {
      if (commit_replace(db_, *lake_, stream, t)) replaced.push_back(stream);
    }
    db_.execute_script("COMMIT");
  } catch (...) {
    db_.execute_script("ROLLBACK");
    throw;
  }
  // The added files were put before the COMMIT (compaction.h): the new version may be named.
  for (const event::Stream stream : replaced) {
    SqlIcebergCatalog(db_).publish_hint(
        stream, {}, lake::iceberg::silver_table(lake_->uri(), stream).location(), *lake_,
        external_);
  }
}

void SqlLakeManifest::publish_copy(store::ObjectStore& lake) {
  if (!marker_written_) {
    lake.put(kMarkerKey,
             "The committed files of this lake are listed in the lake_file table of the database "
             "`tributary run` uses; _tributary/manifest.json is a copy. Run `tributary compact` "
             "with --warehouse (or --state) so that it changes the database.\n");
    marker_written_ = true;
  }
  lake.put(lake::StoreManifest::kKey, lake::manifest_to_json(entries()));
}

}  // namespace tributary::ingest
