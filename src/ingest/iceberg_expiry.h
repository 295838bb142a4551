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
  // Lake keys: manifest lists, manifests and data files, and old metadata JSON files.
  std::vector<std::string> deleted;
  // Lake keys of every data file a snapshot still lists after the expiry: orphan removal
  // (lake::collect_garbage) must keep them although lake_file no longer names the ones a
  // compaction replaced.
  std::set<std::string> referenced;
};

// For every table in the catalog, in a transaction of its own per table (the caller must not have
// one open): drops the snapshots older than `older_than_ms` except the current one, as a new
// table version (its metadata put before the COMMIT, its version hint after), then deletes the
// files only the dropped snapshots referenced. `external` (may be null) is told where the table's
// metadata went before any file is deleted: a pointer left on an expired snapshot would name
// deleted files. A crash before the deletes leaves the files in the lake, referenced by nothing
// (orphans, never visible to a reader); orphan removal never deletes under metadata/, so
// manifests and manifest lists left that way stay.
//
// Then, as Iceberg's write.metadata.previous-versions-max does, it deletes every
// metadata/v<M>.metadata.json more than `kept_versions` versions older than the one
// version-hint.text names: never the hint's own version or the catalog's newer ones and, with
// the default, none the hint's metadata-log lists (the last 100).
inline constexpr std::int64_t kKeptMetadataVersions = 100;
SnapshotExpiry expire_snapshots(warehouse::SqlConnection& db, store::ObjectStore& lake,
                                std::int64_t older_than_ms, std::int64_t now_ms,
                                lake::iceberg::ExternalCatalog* external = nullptr,
                                std::int64_t kept_versions = kKeptMetadataVersions);

}  // namespace tributary::ingest
