#include "ingest/iceberg_expiry.h"

#include <optional>
#include <stdexcept>

#include "event/schema.h"
#include "ingest/iceberg_catalog.h"
#include "lake/iceberg/silver_tables.h"
#include "store/listing_pager.h"

namespace tributary::ingest {
namespace {

// N of a key ".../v<N>.metadata.json", nullopt for any other file.
std::optional<std::int64_t> version_of(const std::string& key) {
  const std::size_t name = key.rfind('/') + 1;
  if (key.compare(name, 1, "v") != 0 || !key.ends_with(".metadata.json")) return std::nullopt;
  try {
    return metadata_version(key);
  } catch (const std::runtime_error&) {
    return std::nullopt;
  }
}

// Deletes the metadata JSON files under `prefix` (silver/<stream>/metadata/) more than `kept`
// versions older than the version the hint names.
void delete_old_metadata(store::ObjectStore& lake, const std::string& prefix, std::int64_t kept,
                         std::vector<std::string>& deleted) {
  const std::string hint_key = prefix + "version-hint.text";
  if (!lake.head(hint_key)) return;
  const std::optional<std::int64_t> hint =
      version_of(prefix + "v" + lake.get(hint_key).body + ".metadata.json");
  if (!hint) return;
  for (const store::ObjectInfo& o : store::list_all(lake, prefix)) {
    const std::optional<std::int64_t> n = version_of(o.key);
    if (n && *n < *hint - kept) {
      lake.remove(o.key);
      deleted.push_back(o.key);
    }
  }
}

}  // namespace

SnapshotExpiry expire_snapshots(warehouse::SqlConnection& db, store::ObjectStore& lake,
                                std::int64_t older_than_ms, std::int64_t now_ms,
                                lake::iceberg::ExternalCatalog* external,
                                std::int64_t kept_versions) {
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
    delete_old_metadata(lake, lake_key(lake, table.location()) + "/metadata/", kept_versions,
                        out.deleted);
  }
  return out;
}

}  // namespace tributary::ingest
