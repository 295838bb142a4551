// ParquetColumnWriter: encodes one leaf column of a flat schema into column chunks (one per row
// group): an optional dictionary page followed by v1 data pages, each compressed on its own.
//
// Encoding rules:
//  - Optional columns carry definition levels (0 = null, 1 = present) in the RLE/bit-packed
//    hybrid; required columns carry none (their max definition level is 0).
//  - Columns with `dictionary` set start in RLE_DICTIONARY (a PLAIN dictionary page, indices in
//    the hybrid encoding) and fall back to PLAIN for the rest of the chunk when the dictionary's
//    plain size passes WriterOptions::dictionary_bytes_limit, or when the first page shows it
//    does not pay off (more distinct values than half the values). Pages already written keep
//    their dictionary encoding. BOOLEAN is always PLAIN.
//  - A page closes when it holds page_rows values or about page_bytes encoded bytes.
//  - Statistics (null_count, min_value, max_value in the column's type-defined order) are kept
//    per page and per chunk. Byte-array min/max longer than max_statistics_bytes are left out
//    rather than truncated; NaN never enters min/max; a zero double min is written as -0.0 and a
//    zero max as +0.0, as the specification asks.
//
// Memory: a writer holds the open page's encoded values and the current chunk's compressed pages,
// so it is bounded by the row-group limits of the file writer.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lake/parquet/format.h"

namespace tributary::lake::parquet {

enum class LogicalType : std::uint8_t {
  kNone,
  kString,              // BYTE_ARRAY, UTF-8
  kJson,                // BYTE_ARRAY, UTF-8 JSON text
  kTimestampMillisUtc,  // INT64 epoch milliseconds, isAdjustedToUTC = true
  kTimestampMicrosUtc,  // INT64 epoch microseconds, isAdjustedToUTC = true
};

struct ColumnSpec {
  std::string name;
  PhysicalType type = PhysicalType::kInt64;
  LogicalType logical = LogicalType::kNone;
  bool required = true;
  bool dictionary = true;  // try RLE_DICTIONARY first (ignored for BOOLEAN)
  // The schema element's field_id (Iceberg's column id); none when unset.
  std::optional<std::int32_t> field_id = std::nullopt;
};

struct WriterOptions {
  CompressionCodec codec = CompressionCodec::kZstd;
  int zstd_level = 1;
  std::size_t page_rows = 20'000;
  std::size_t page_bytes = 1 << 20;
  std::size_t dictionary_bytes_limit = 1 << 20;
  std::size_t row_group_rows = 1 << 20;
  std::size_t row_group_bytes = 128u << 20;  // encoded bytes of all columns of a row group
  std::size_t max_statistics_bytes = 256;
  bool page_index = true;  // write ColumnIndex and OffsetIndex
};

// One column's values for a write: row r (from the `rows` selection) is present when `valid` is
// null or valid[r] != 0, and its value sits at position p = indirection ? indirection[r] : r of
// the array matching the column's physical type (byte arrays: bytes[offsets[p], offsets[p+1])).
// Nothing is copied: the arrays must stay alive during the write call only.
struct ColumnInput {
  const std::uint8_t* valid = nullptr;
  const std::uint32_t* indirection = nullptr;
  const std::int32_t* i32 = nullptr;
  const std::int64_t* i64 = nullptr;
  const double* f64 = nullptr;
  const std::uint8_t* boolean = nullptr;  // 0 or 1
  const std::uint64_t* offsets = nullptr;
  const char* bytes = nullptr;
};

// Min/max as the footer stores them: the PLAIN encoding of the value (byte arrays without their
// length prefix).
struct EncodedStatistics {
  std::int64_t null_count = 0;
  bool has_min_max = false;
  std::string min;
  std::string max;
};

struct PageInfo {
  std::int64_t offset = 0;           // absolute file offset of the page header
  std::int32_t compressed_size = 0;  // header included
  std::int64_t first_row = 0;        // within the row group
  std::int64_t values = 0;
  EncodedStatistics statistics;
};

struct PageEncodingCount {
  PageType page_type;
  Encoding encoding;
  std::int32_t count;
};

// A finished column chunk, as the footer and the page index describe it.
struct ColumnChunkInfo {
  std::int64_t start_offset = 0;  // first byte (the dictionary page when there is one)
  std::int64_t data_page_offset = 0;
  std::optional<std::int64_t> dictionary_page_offset;
  std::int64_t num_values = 0;
  std::int64_t total_uncompressed_size = 0;  // headers included
  std::int64_t total_compressed_size = 0;    // headers included
  std::vector<Encoding> encodings;
  std::vector<PageEncodingCount> encoding_stats;  // how many pages of each kind
  EncodedStatistics statistics;
  std::vector<PageInfo> pages;  // data pages only
  // Set by the file writer once the page index is written.
  std::optional<std::int64_t> column_index_offset;
  std::int32_t column_index_length = 0;
  std::optional<std::int64_t> offset_index_offset;
  std::int32_t offset_index_length = 0;
};

class ParquetColumnWriter {
 public:
  // Throws std::invalid_argument for a spec the writer cannot encode (e.g. a logical type on the
  // wrong physical type).
  static std::unique_ptr<ParquetColumnWriter> create(const ColumnSpec& spec,
                                                     const WriterOptions& options);
  virtual ~ParquetColumnWriter() = default;

  virtual const ColumnSpec& spec() const = 0;

  // Appends rows[0..n) of `input`. Throws std::invalid_argument when the input lacks the array of
  // this column's type, or when a required column receives a null (nothing is written then).
  virtual void write(const ColumnInput& input, std::span<const std::uint32_t> rows) = 0;

  // Encoded bytes held for the open chunk (compressed pages plus the open page).
  virtual std::size_t buffered_bytes() const = 0;

  // Appends the open chunk to `file` (whose size is the chunk's absolute offset) and starts a new
  // chunk with an empty dictionary.
  virtual ColumnChunkInfo finish_chunk(std::string& file) = 0;
};

}  // namespace tributary::lake::parquet
