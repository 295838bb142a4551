// An Iceberg data file as a manifest records it (specification, "Data File Fields"), built from
// what the Parquet writer knows of a file it finished.
//
// Column metrics are keyed by column id: column_sizes (the column's chunk bytes), value_counts
// (nulls included), null_value_counts, and lower/upper bounds in the specification's binary
// single-value serialization (Appendix D). For every silver type that serialization is the
// Parquet PLAIN encoding the chunk statistics already use (int: 4 bytes little-endian; long and
// timestamptz: 8 bytes little-endian; double: IEEE 754 little-endian; boolean: one byte; string:
// the UTF-8 bytes), so the writer's min/max carry over as they are. Bounds are left out when the
// writer has none (all nulls or NaNs, or strings too long for statistics): a missing bound only
// costs pruning.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lake/parquet/column_writer.h"
#include "lake/parquet/file_writer.h"

namespace tributary::lake::iceberg {

struct ColumnStats {
  std::int32_t id = 0;
  std::int64_t size = 0;
  std::int64_t values = 0;
  std::int64_t nulls = 0;
  std::optional<std::string> lower;
  std::optional<std::string> upper;

  friend bool operator==(const ColumnStats&, const ColumnStats&) = default;
};

struct DataFile {
  std::string path;  // the full URI, e.g. s3://bucket/silver/listen_events/event_date=.../x.parquet
  std::int64_t record_count = 0;
  std::int64_t file_size_in_bytes = 0;
  std::optional<std::int32_t> ts_day;  // the partition value: days from 1970-01-01 (UTC)
  std::vector<ColumnStats> columns;    // by column id, ascending
  std::vector<std::int64_t> split_offsets;

  friend bool operator==(const DataFile&, const DataFile&) = default;
};

// `columns` is the file's Parquet schema (with field ids), `metrics` what ParquetFileWriter::
// metrics() returned for it. Throws std::invalid_argument when they do not match in length or a
// column has no field id.
DataFile make_data_file(std::string path, std::int64_t record_count, std::int64_t file_size,
                        std::int32_t ts_day, std::span<const parquet::ColumnSpec> columns,
                        const parquet::FileMetrics& metrics);

}  // namespace tributary::lake::iceberg
