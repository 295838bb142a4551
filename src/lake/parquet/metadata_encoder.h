// Thrift serialisation of the Parquet structures the writer emits: page headers, the page index
// (ColumnIndex, OffsetIndex) and the footer (FileMetaData). Field ids follow parquet.thrift.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lake/parquet/column_writer.h"
#include "lake/parquet/format.h"

namespace tributary::lake::parquet {

struct KeyValue {
  std::string key;
  std::string value;
};

struct RowGroupInfo {
  std::int64_t num_rows = 0;
  std::vector<ColumnChunkInfo> columns;
};

// Appends a PageHeader for a v1 data page.
void encode_data_page_header(std::string& out, std::int32_t uncompressed_size,
                             std::int32_t compressed_size, std::int32_t num_values,
                             Encoding encoding, const EncodedStatistics* statistics);

// Appends a PageHeader for a PLAIN dictionary page.
void encode_dictionary_page_header(std::string& out, std::int32_t uncompressed_size,
                                   std::int32_t compressed_size, std::int32_t num_values);

// Appends a ColumnIndex for `chunk`'s pages; the caller checks every page has statistics.
void encode_column_index(std::string& out, const ColumnChunkInfo& chunk);

// Appends an OffsetIndex for `chunk`'s pages.
void encode_offset_index(std::string& out, const ColumnChunkInfo& chunk);

// Appends the FileMetaData.
void encode_file_metadata(std::string& out, const std::vector<ColumnSpec>& schema,
                          const std::vector<RowGroupInfo>& row_groups,
                          const std::vector<KeyValue>& key_values, std::string_view created_by,
                          CompressionCodec codec);

}  // namespace tributary::lake::parquet
