// Snapshot expiry and the files orphan removal must keep, for the silver tables' Iceberg tables
// in the state database's catalog (`tributary compact`, docs/operations.md).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "lake/iceberg/external_catalog.h"
#include "store/object_store.h"
#include "warehouse/sql_connection.h"

namespace tributary::ingest {

struct SnapshotExpiry {
  std::size_t expired_snapshots = 0;
  std::vector<std::string> deleted;  // lake keys: manifest lists, manifests and data files
  // Lake keys of every data file a snapshot still lists after the expiry: orphan removal
  // (lake::collect_garbage) must keep them although lake_file no longer names the ones a
  // compaction replaced.
  std::set<std::string> referenced;
};

// For every table in the catalog, in a transaction of its own per table (the caller must not have
// one open): drops the snapshots older than `older_than_ms` except the current one, as a new
// table version (its metadata put before the COMMIT, its version hint after), then deletes the
// files only the dropped snapshots referenced. A crash before the deletes leaves them in the lake,
// referenced by nothing (orphans, never visible to a reader); metadata/ files are never deleted
// by orphan removal, so those stay. `external` (may be null) is told where each changed table's
// metadata went before any file is deleted: a pointer left on an expired snapshot would name
// deleted files.
SnapshotExpiry expire_snapshots(warehouse::SqlConnection& db, store::ObjectStore& lake,
                                std::int64_t older_than_ms, std::int64_t now_ms,
                                lake::iceberg::ExternalCatalog* external = nullptr);

}  // namespace tributary::ingest
