// Iceberg v2 table metadata (specification, "Table Metadata", Appendix C) as a value, its JSON
// text, and the parse of the JSON tributary writes.
//
// The model holds what silver tables use: one schema (id 0), one partition spec (id 0, day(ts)),
// the unsorted order (id 0), string properties, snapshots with their summaries, the snapshot log
// and the metadata log, and the `main` branch pointing at the current snapshot. The JSON writes
// every field the specification requires for format version 2.
//
// parse_table_metadata() reads that subset back and throws std::runtime_error naming what it
// does not support (another format version, several schemas or partition specs, a partition spec
// other than day(ts) with field id 1000, a sort order) rather than drop it on the next commit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary::lake::iceberg {

struct Snapshot {
  std::int64_t snapshot_id = 0;
  std::optional<std::int64_t> parent_snapshot_id;
  std::int64_t sequence_number = 0;
  std::int64_t timestamp_ms = 0;
  std::string manifest_list;                                 // full URI
  std::vector<std::pair<std::string, std::string>> summary;  // "operation" first

  // The summary value of `key`, or nullptr.
  const std::string* find_summary(std::string_view key) const;

  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

struct SnapshotLogEntry {
  std::int64_t timestamp_ms = 0;
  std::int64_t snapshot_id = 0;
  friend bool operator==(const SnapshotLogEntry&, const SnapshotLogEntry&) = default;
};

struct MetadataLogEntry {
  std::int64_t timestamp_ms = 0;
  std::string metadata_file;
  friend bool operator==(const MetadataLogEntry&, const MetadataLogEntry&) = default;
};

struct TableMetadata {
  std::string table_uuid;
  std::string location;  // no trailing slash
  std::int64_t last_sequence_number = 0;
  std::int64_t last_updated_ms = 0;
  std::int32_t last_column_id = 0;
  std::string schema_json;        // the one schema, schema-id 0 (table_schema.h's schema_json)
  std::int32_t ts_column_id = 0;  // the partition source
  std::vector<std::pair<std::string, std::string>> properties;
  std::optional<std::int64_t> current_snapshot_id;
  std::vector<Snapshot> snapshots;
  std::vector<SnapshotLogEntry> snapshot_log;
  std::vector<MetadataLogEntry> metadata_log;

  const Snapshot* find_snapshot(std::int64_t id) const;
  const Snapshot* current_snapshot() const;

  friend bool operator==(const TableMetadata&, const TableMetadata&) = default;
};

std::string table_metadata_json(const TableMetadata& metadata);
TableMetadata parse_table_metadata(std::string_view json);

}  // namespace tributary::lake::iceberg
