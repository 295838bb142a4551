// SqlLakeManifest: the lake manifest as the ingester commits it, in the state database's
// lake_file table (silver rows), behind lake::LakeManifest so that compaction and the catalog work
// on a lake built by `tributary run` exactly as on a lake-only manifest.
//
// The database is the truth; the lake keeps a copy at lake::StoreManifest::kKey for tools that
// only see the lake (`tributary catalog`, DuckDB views). publish_copy() rewrites that copy whole
// from the table, so concurrent writers converge on the latest committed state.
#pragma once

#include "lake/iceberg/external_catalog.h"
#include "lake/manifest.h"
#include "store/object_store.h"
#include "warehouse/sql_connection.h"

namespace tributary::ingest {

class SqlLakeManifest final : public lake::LakeManifest {
 public:
  // Written into the lake next to the copy: tells tools that change the manifest (compaction)
  // that this lake's truth is a state database, so they must be pointed at it.
  static constexpr std::string_view kMarkerKey = "_tributary/manifest-in-state-database";

  // With `lake`, commit() also records each change as an Iceberg replace snapshot of the tables
  // it touches (compaction), and tells `external` (may be null) where each table's metadata
  // went; without it, only lake_file changes.
  explicit SqlLakeManifest(warehouse::SqlConnection& db, store::ObjectStore* lake = nullptr,
                           lake::iceberg::ExternalCatalog* external = nullptr)
      : db_(db), lake_(lake), external_(external) {}

  std::vector<lake::ManifestEntry> entries() override;
  // Applies `change` in one transaction of its own (the caller must not have one open). With a
  // lake, the same transaction commits a replace snapshot (removed files out, added ones in) to
  // every touched table that has an Iceberg table; its manifests and metadata JSON are put before
  // the COMMIT, its version hint after. Throws, committing nothing, when a removed file is not
  // live in the table (a file written before the table existed: docs/lake.md) or an added file
  // has no metrics in `change`.
  void commit(const lake::ManifestChange& change) override;

  // Rewrites the lake's copy of the manifest from the table (and the marker).
  void publish_copy(store::ObjectStore& lake);

 private:
  warehouse::SqlConnection& db_;
  store::ObjectStore* lake_;
  lake::iceberg::ExternalCatalog* external_;
  bool marker_written_ = false;
};

// Writes `files` into lake_file (insert or replace by key). For callers inside a transaction.
void record_lake_files(warehouse::SqlConnection& db, const std::vector<lake::ManifestEntry>& files);

}  // namespace tributary::ingest
