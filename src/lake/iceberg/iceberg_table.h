// IcebergTable: the commits of one silver table as an Iceberg v2 table, computed without I/O.
//
// Every operation takes the table's current state (its metadata and where that metadata lives)
// and returns the next state plus the files that make it: new manifests, the new manifest list,
// metadata/v<N+1>.metadata.json and metadata/version-hint.text ("N+1"). Nothing is written here;
// the caller decides where and when (the commit path records the new metadata location in its
// catalog row in the same transaction as the batch, then puts the files; putting them again
// after a crash gives the same bytes). Files a commit must read (the current manifest list and,
// for replace and expiry, manifests) come through `read`, by their location.
//
// Layout under the table location (e.g. s3://lake/silver/listen_events):
//   metadata/v<N>.metadata.json          the table metadata of version N (v1 the first commit)
//   metadata/version-hint.text           "N", for readers that find tables by path
//   metadata/snap-<snapshot id>-1.avro   a snapshot's manifest list
//   metadata/<snapshot id>-m0.avro       the manifest a snapshot wrote
//
// Determinism: the same state, inputs and SnapshotOptions give the same files, byte for byte.
// Snapshot ids come from the caller (snapshot_id_for(), a hash of e.g. the batch id), so a
// replayed commit names the same files instead of adding new ones.
//
// Operations:
//  - commit_append: a "fast append": one new manifest with the files (status ADDED, sequence
//    numbers null, inherited from the list), listed after the current snapshot's manifests.
//  - commit_replace: compaction ("replace"): every removed file must be live in the current
//    snapshot and the added files must hold as many records as the removed ones (a compaction
//    moves rows, it neither adds nor drops them); otherwise std::invalid_argument and no
//    change. All manifests are merged into one: live files kept as EXISTING (their sequence
//    numbers and snapshot ids written out), removed ones as DELETED, new ones ADDED. The
//    snapshot before it still lists the old files (time travel).
//  - expire_snapshots: drops snapshots older than a cut-off, never the current one, trims the
//    snapshot log, and reports in `removable` every manifest list, manifest and data file that
//    only expired snapshots referenced (safe to delete once the new metadata is current).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lake/iceberg/data_file.h"
#include "lake/iceberg/table_metadata.h"
#include "lake/parquet/column_writer.h"

namespace tributary::lake::iceberg {

struct TableDefinition {
  std::string location;                      // the table's base URI, without a trailing slash
  std::string table_uuid;                    // fixed when the table is first committed
  std::vector<parquet::ColumnSpec> columns;  // the data files' Parquet columns, with field ids
  std::vector<std::pair<std::string, std::string>> properties;
};

struct TableState {
  TableMetadata metadata;
  std::int64_t version = 0;       // N of metadata/v<N>.metadata.json
  std::string metadata_location;  // its full URI
};

struct SnapshotOptions {
  std::int64_t snapshot_id = 0;  // positive, not used before in the table
  // The commit's time: the snapshot's timestamp-ms and the table's last-updated-ms, raised to
  // the table's last-updated-ms when the caller's clock is behind it.
  std::int64_t timestamp_ms = 0;
};

struct OutputFile {
  std::string path;      // relative to the table location, e.g. "metadata/v3.metadata.json"
  std::string location;  // the full URI
  std::string bytes;
};

struct CommitResult {
  TableState state;  // the table after the commit
  // To put in this order: manifests, the manifest list, the metadata JSON, the version hint.
  std::vector<OutputFile> files;
  std::vector<std::string> removable;  // expire_snapshots only: full URIs
};

using ReadFile = std::function<std::string(const std::string& location)>;

// A positive snapshot id from a hash of `seed` (e.g. "<stream>/<batch id>").
std::int64_t snapshot_id_for(std::string_view seed);

// A version 4 (random-form) UUID text from a hash of `seed`, for table-uuid.
std::string table_uuid_for(std::string_view seed);

// The full URIs of every data file a snapshot of `metadata` lists as live (ADDED or EXISTING):
// what orphan removal must keep, time travel included.
std::set<std::string> live_data_files(const TableMetadata& metadata, const ReadFile& read);

class IcebergTable {
 public:
  // Throws std::invalid_argument for columns Iceberg cannot type (table_schema.h) or an empty
  // location.
  explicit IcebergTable(TableDefinition definition);

  // `current` is nullopt for a table not committed yet (the result is then version 1). Throws
  // std::invalid_argument for no files, a file outside the table location, a reused snapshot id,
  // or a table whose uuid, location or schema differ from the definition.
  CommitResult commit_append(const std::optional<TableState>& current,
                             std::span<const DataFile> files, const SnapshotOptions& snapshot,
                             const ReadFile& read) const;

  // `removed` are the full URIs of the files the compaction merged.
  CommitResult commit_replace(const TableState& current, std::span<const std::string> removed,
                              std::span<const DataFile> added, const SnapshotOptions& snapshot,
                              const ReadFile& read) const;

  // Expires snapshots with timestamp-ms < older_than_ms, except the current one. `now_ms` is the
  // new metadata's last-updated-ms. With nothing to expire the result has no files and the same
  // state.
  CommitResult expire_snapshots(const TableState& current, std::int64_t older_than_ms,
                                std::int64_t now_ms, const ReadFile& read) const;

  // The state of the metadata JSON found at `metadata_location` (.../v<N>.metadata.json).
  static TableState parse_state(std::string_view metadata_json, std::string metadata_location);

  const std::string& location() const { return definition_.location; }

 private:
  TableMetadata next_metadata(const std::optional<TableState>& current,
                              std::int64_t timestamp_ms) const;
  CommitResult finish(const std::optional<TableState>& current, TableMetadata metadata,
                      std::vector<OutputFile> files) const;
  // Makes snapshot `s` (sequence number `sequence`, its manifest and manifest list written) the
  // current one of `m`, then finish().
  CommitResult finish_snapshot(const std::optional<TableState>& current, TableMetadata m,
                               Snapshot s, std::int64_t sequence, OutputFile manifest,
                               OutputFile list) const;
  OutputFile file(std::string path, std::string bytes) const;

  TableDefinition definition_;
  std::string schema_json_;
  std::int32_t ts_column_id_ = 0;
  std::int32_t last_column_id_ = 0;
};

}  // namespace tributary::lake::iceberg
