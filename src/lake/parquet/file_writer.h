// ParquetFileWriter: a whole Parquet file, built in memory, from columnar input.
//
// Layout: "PAR1", row groups (each column's chunk in schema order), the page index (every
// ColumnIndex, then every OffsetIndex) when enabled, the Thrift compact FileMetaData, its 4-byte
// little-endian length, "PAR1".
//
// Row groups close at WriterOptions::row_group_rows rows or once the columns hold about
// row_group_bytes encoded bytes (checked every kRowGroupCheckRows rows). The schema is flat:
// every column is a top-level REQUIRED or OPTIONAL leaf.
//
// Determinism: the same schema, options, input rows and key-value metadata give the same bytes.
//
// Memory: the file under construction (the caller bounds it by rolling to a new file, see
// estimated_size()) plus each column's open chunk.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "lake/parquet/column_writer.h"
#include "lake/parquet/metadata_encoder.h"

namespace tributary::lake::parquet {

// What a finished file holds per column, for table formats that keep per-file statistics (Iceberg's
// manifests): summed over the file's column chunks.
struct ColumnMetrics {
  std::int64_t compressed_bytes = 0;  // the chunks' pages, headers included (no footer share)
  std::int64_t values = 0;            // rows, nulls included
  std::int64_t nulls = 0;
  // The smallest and largest non-null value (NaN left out), PLAIN-encoded as in the chunk
  // statistics (byte arrays without a length prefix). Absent when the column holds no such value
  // or some chunk's statistics were left out for their length (max_statistics_bytes).
  bool has_bounds = false;
  std::string min;
  std::string max;
};

struct FileMetrics {
  std::vector<ColumnMetrics> columns;           // one per schema column
  std::vector<std::int64_t> row_group_offsets;  // each row group's first byte, ascending
};

// "tributary version X.Y.Z": the footer's created_by.
std::string writer_version();

class ParquetFileWriter {
 public:
  static constexpr std::size_t kRowGroupCheckRows = 16 * 1024;

  // Throws std::invalid_argument for an empty schema, duplicate column names, or a column spec
  // the column writer rejects.
  ParquetFileWriter(std::vector<ColumnSpec> schema, WriterOptions options);
  ~ParquetFileWriter();
  ParquetFileWriter(const ParquetFileWriter&) = delete;
  ParquetFileWriter& operator=(const ParquetFileWriter&) = delete;

  const std::vector<ColumnSpec>& schema() const { return schema_; }

  // Appends the rows selected by `rows`; columns[i] feeds schema()[i]. On an exception (a null in
  // a required column, a missing array) the writer is unusable: discard it.
  void write_rows(std::span<const ColumnInput> columns, std::span<const std::uint32_t> rows);

  std::uint64_t rows_written() const { return rows_written_; }

  // Bytes of the finished row groups plus the encoded bytes the open one holds.
  std::uint64_t estimated_size() const;

  // Closes the last row group, writes the page index and the footer, and returns the file. The
  // writer must not be used afterwards.
  std::string finish(const std::vector<KeyValue>& key_values);

  // The finished file's metrics; valid after finish().
  FileMetrics metrics() const;

 private:
  void flush_row_group();
  std::size_t open_group_bytes() const;

  std::vector<ColumnSpec> schema_;
  WriterOptions options_;
  std::vector<std::unique_ptr<ParquetColumnWriter>> columns_;
  std::string file_;
  std::vector<RowGroupInfo> row_groups_;
  std::uint64_t rows_written_ = 0;
  std::size_t group_rows_ = 0;
  bool finished_ = false;
};

}  // namespace tributary::lake::parquet
