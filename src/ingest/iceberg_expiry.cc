#include "ingest/iceberg_expiry.h"

#include "event/schema.h"
#include "ingest/iceberg_catalog.h"
#include "lake/iceberg/silver_tables.h"

namespace tributary::ingest {

SnapshotExpiry expire_snapshots(warehouse::SqlConnection& db, store::ObjectStore& lake,
                                std::int64_t older_than_ms, std::int64_t now_ms,
                                lake::iceberg::ExternalCatalog* external) {
  SnapshotExpiry out;
  const lake::iceberg::ReadFile read = [&](const std::string& uri) {
    return lake.get(lake_key(lake, uri)).body;
  };
  for (const event::Stream stream : event::kAllStreams) {
    SqlIcebergCatalog catalog(db);
    if (catalog.current(stream).empty()) continue;
    const lake::iceberg::IcebergTable table = lake::iceberg::silver_table(lake.uri(), stream);
    lake::iceberg::CommitResult next;
    db.execute_script(db.dialect() == warehouse::Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
    try {
      const std::string previous = catalog.lock_current(stream);
      const lake::iceberg::TableState state =
          lake::iceberg::IcebergTable::parse_state(read(previous), previous);
      next = table.expire_snapshots(state, older_than_ms, now_ms, read);
      if (!next.files.empty()) {
        out.expired_snapshots +=
            state.metadata.snapshots.size() - next.state.metadata.snapshots.size();
        for (const lake::iceberg::OutputFile& f : next.files) {
          if (f.path == "metadata/version-hint.text") continue;  // after the COMMIT
          lake.put(lake_key(lake, f.location), f.bytes);
        }
        catalog.swap(stream, previous, next.state.metadata_location, next.state.version, {});
      }
      db.execute_script("COMMIT");
    } catch (...) {
      db.execute_script("ROLLBACK");
      throw;
    }
    if (!next.files.empty()) {
      catalog.publish_hint(stream, {}, table.location(), lake, external);
      for (const std::string& uri : next.removable) {
        const std::string key = lake_key(lake, uri);
        lake.remove(key);
        out.deleted.push_back(key);
      }
    }
    for (const std::string& uri : lake::iceberg::live_data_files(next.state.metadata, read)) {
      out.referenced.insert(lake_key(lake, uri));
    }
  }
  return out;
}

}  // namespace tributary::ingest
