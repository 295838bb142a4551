// read_parquet_file: decodes a whole flat Parquet file into dense columns. It exists for
// compaction, which rewrites tributary's own silver files, so it reads what ParquetFileWriter
// writes and the common subset around it: flat schemas of BOOLEAN, INT32, INT64, DOUBLE and
// BYTE_ARRAY leaves, v1 data pages in PLAIN or (RLE_|PLAIN_)DICTIONARY encoding, codecs
// UNCOMPRESSED, SNAPPY and ZSTD.
//
// Input is untrusted: every offset and length is checked, and anything malformed or unsupported
// throws std::runtime_error with a specific reason ("parquet: ..."). Nothing crashes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lake/parquet/column_writer.h"
#include "lake/parquet/format.h"
#include "lake/parquet/metadata_encoder.h"

namespace tributary::lake::parquet {

// One column's values, dense by row: a null row holds 0, 0.0, false or "" and valid = 0.
struct ColumnValues {
  std::string name;
  PhysicalType type = PhysicalType::kInt64;
  bool required = true;
  // From the schema element's converted_type: kString, kJson, the timestamp units; else kNone.
  LogicalType logical = LogicalType::kNone;
  std::optional<std::int32_t> field_id;
  std::vector<std::uint8_t> valid;  // one byte per row, also for required columns
  std::vector<std::int32_t> i32;
  std::vector<std::int64_t> i64;
  std::vector<double> f64;
  std::vector<std::uint8_t> boolean;
  std::vector<std::uint64_t> offsets{0};  // byte arrays: row i is bytes[offsets[i], offsets[i+1])
  std::string bytes;

  std::string_view string_at(std::size_t row) const {
    return std::string_view(bytes).substr(offsets[row], offsets[row + 1] - offsets[row]);
  }
};

struct ParquetContents {
  std::uint64_t rows = 0;
  std::vector<ColumnValues> columns;
  std::vector<KeyValue> key_values;
};

ParquetContents read_parquet_file(std::string_view file);

}  // namespace tributary::lake::parquet
