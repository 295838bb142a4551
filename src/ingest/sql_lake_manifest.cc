#include "ingest/sql_lake_manifest.h"

#include "lake/layout.h"

namespace tributary::ingest {
namespace {

using warehouse::SqlRow;
using warehouse::SqlValue;

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
  db_.execute_script(db_.dialect() == warehouse::Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
  try {
    record_lake_files(db_, change.add);
    for (const std::string& key : change.remove) {
      const SqlValue params[] = {key};
      db_.execute("DELETE FROM lake_file WHERE file_key = $1", params);
    }
    db_.execute_script("COMMIT");
  } catch (...) {
    db_.execute_script("ROLLBACK");
    throw;
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
