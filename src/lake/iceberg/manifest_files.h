// Iceberg v2 manifests and manifest lists as Avro object container files (specification,
// "Manifests", "Manifest Lists", Appendix A "Avro"), with the specification's field ids.
//
// A manifest's records are `manifest_entry`: status (0), snapshot_id (1), sequence_number (3),
// file_sequence_number (4), data_file (2) = {content 134, file_path 100, file_format 101,
// partition 102 = {ts_day 1000: date}, record_count 103, file_size_in_bytes 104, column_sizes
// 108 <117: int, 118: long>, value_counts 109 <119, 120>, null_value_counts 110 <121, 122>,
// lower_bounds 125 <126: int, 127: binary>, upper_bounds 128 <129, 130>, split_offsets 132
// [133: long]}. Maps are Avro arrays of key/value records (logicalType "map"), as Iceberg writes
// maps with non-string keys. The header carries the metadata the specification requires: schema,
// schema-id, partition-spec, partition-spec-id, format-version "2", content "data".
//
// A manifest list's records are `manifest_file`: manifest_path 500, manifest_length 501,
// partition_spec_id 502, content 517, sequence_number 515, min_sequence_number 516,
// added_snapshot_id 503, added/existing/deleted_files_count 504/505/506, added/existing/
// deleted_rows_count 512/513/514, partitions 507 [508: field_summary {contains_null 509,
// contains_nan 518, lower_bound 510, upper_bound 511}].
//
// Sequence-number inheritance: an ADDED entry is written with null sequence numbers, which
// readers replace with the manifest's sequence number from the list; EXISTING and DELETED
// entries carry theirs explicitly (the specification requires it).
//
// Reading (for the next commit) accepts only files with exactly these schemas
// (avro/container_reader.h), i.e. files tributary wrote.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lake/avro/schema.h"
#include "lake/iceberg/data_file.h"

namespace tributary::lake::iceberg {

enum class EntryStatus : std::int32_t { kExisting = 0, kAdded = 1, kDeleted = 2 };

struct FileEntry {
  EntryStatus status = EntryStatus::kAdded;
  std::optional<std::int64_t> snapshot_id;
  std::optional<std::int64_t> sequence_number;
  std::optional<std::int64_t> file_sequence_number;
  DataFile file;

  friend bool operator==(const FileEntry&, const FileEntry&) = default;
};

struct PartitionSummary {
  bool contains_null = false;
  std::optional<bool> contains_nan;
  std::optional<std::string> lower_bound;
  std::optional<std::string> upper_bound;

  friend bool operator==(const PartitionSummary&, const PartitionSummary&) = default;
};

struct ManifestFile {
  std::string path;
  std::int64_t length = 0;
  std::int32_t partition_spec_id = 0;
  std::int32_t content = 0;  // 0: data
  std::int64_t sequence_number = 0;
  std::int64_t min_sequence_number = 0;
  std::int64_t added_snapshot_id = 0;
  std::int32_t added_files = 0;
  std::int32_t existing_files = 0;
  std::int32_t deleted_files = 0;
  std::int64_t added_rows = 0;
  std::int64_t existing_rows = 0;
  std::int64_t deleted_rows = 0;
  std::vector<PartitionSummary> partitions;  // one per partition field: ts_day

  friend bool operator==(const ManifestFile&, const ManifestFile&) = default;
};

avro::AvroSchemaPtr manifest_entry_schema();
avro::AvroSchemaPtr manifest_file_schema();

// What a manifest's header states about the table.
struct ManifestContext {
  std::string schema_json;            // the table schema (table_schema.h)
  std::string partition_fields_json;  // partition_fields_json()
};

// The manifest file's bytes; `sync_seed` seeds its sync marker (its path, typically).
std::string write_manifest(const std::vector<FileEntry>& entries, const ManifestContext& context,
                           std::string_view sync_seed);
std::vector<FileEntry> read_manifest(std::string_view file);

// The list's bytes, with the header metadata Iceberg writers add (snapshot-id,
// parent-snapshot-id, sequence-number, format-version).
std::string write_manifest_list(const std::vector<ManifestFile>& manifests,
                                std::int64_t snapshot_id,
                                std::optional<std::int64_t> parent_snapshot_id,
                                std::int64_t sequence_number, std::string_view sync_seed);
std::vector<ManifestFile> read_manifest_list(std::string_view file);

// The summary of `entries`' partition values, as a manifest list records it. Only live entries
// (status other than DELETED) count.
PartitionSummary summarize_partitions(const std::vector<FileEntry>& entries);

}  // namespace tributary::lake::iceberg
