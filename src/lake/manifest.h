// The lake manifest: which silver files are committed. Readers that honour it (the warehouse,
// `tributary catalog`'s DuckDB views built from it, compaction) never see an uncommitted or
// superseded file; files in the lake but not in the manifest are garbage.
//
// The manifest is plain records behind a narrow interface, so that the ingestion step can commit
// it in the same database transaction as its ledger and warehouse rows (docs/lake.md says how).
// This step persists it in the lake itself: StoreManifest.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lake/parquet/file_writer.h"
#include "store/object_store.h"

namespace tributary::lake {

struct ManifestEntry {
  std::string table;      // the stream name, e.g. "listen_events"
  std::string partition;  // "event_date=YYYY-MM-DD"
  std::string key;        // object key in the lake: silver/<table>/<partition>/<file>.parquet
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
  std::int64_t min_ts_ms = 0;
  std::int64_t max_ts_ms = 0;
  std::string batch_id;  // the batch (or compaction) that wrote the file

  friend bool operator==(const ManifestEntry&, const ManifestEntry&) = default;
};

// Changes committed together: every `add` replaces an entry with the same key (a retried batch
// rewrites the same files), then every key in `remove` is dropped (removing an absent key is not
// an error, so a retried commit is harmless).
struct ManifestChange {
  std::vector<ManifestEntry> add;
  std::vector<std::string> remove;
  // The Parquet column metrics of each added file, by key (SilverWriteOptions::on_file), for a
  // manifest that also records the files in an Iceberg table; empty when not collected.
  std::map<std::string, parquet::FileMetrics> add_metrics = {};
};

class LakeManifest {
 public:
  virtual ~LakeManifest() = default;

  // The committed files, sorted by key.
  virtual std::vector<ManifestEntry> entries() = 0;

  // Applies `change` atomically: after a crash the manifest is either before or after it.
  virtual void commit(const ManifestChange& change) = 0;
};

// The manifest as one JSON object in the lake, `_tributary/manifest.json`, rewritten whole by
// an atomic put() on every commit. One writer per lake at a time (the ingest step's database
// serialises commits later); a missing object is an empty manifest.
class StoreManifest final : public LakeManifest {
 public:
  static constexpr std::string_view kKey = "_tributary/manifest.json";

  explicit StoreManifest(store::ObjectStore& lake) : lake_(lake) {}

  // Throws std::runtime_error naming the key when the stored manifest is not valid.
  std::vector<ManifestEntry> entries() override;
  void commit(const ManifestChange& change) override;

 private:
  store::ObjectStore& lake_;
};

// Serialisation of the manifest document (exposed for tests): {"version":1,"files":[...]}.
std::string manifest_to_json(const std::vector<ManifestEntry>& entries);
std::vector<ManifestEntry> manifest_from_json(std::string_view json);

// Deletes every object under "silver/" that is not in `committed`, not in `referenced` (keys of
// files an Iceberg snapshot still lists: time travel) and was last modified before
// `older_than_ms` (epoch ms). The age guard spares files a concurrent writer has put but not yet
// committed. The tables' Iceberg metadata (silver/<table>/metadata/) is never touched: snapshot
// expiry removes what it no longer needs. Returns the deleted keys.
std::vector<std::string> collect_garbage(store::ObjectStore& lake,
                                         const std::vector<ManifestEntry>& committed,
                                         std::int64_t older_than_ms,
                                         const std::set<std::string>& referenced = {});

}  // namespace tributary::lake
