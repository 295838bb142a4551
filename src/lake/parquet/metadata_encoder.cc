#include "lake/parquet/metadata_encoder.h"

#include "lake/parquet/thrift_compact.h"

namespace tributary::lake::parquet {
namespace {

std::int32_t to_i32(auto e) {
  return static_cast<std::int32_t>(e);
}

void write_statistics(ThriftCompactWriter& w, std::int16_t id, const EncodedStatistics& s) {
  w.field_struct(id);
  w.field_i64(3, s.null_count);
  if (s.has_min_max) {
    w.field_binary(5, s.max);
    w.field_binary(6, s.min);
  }
  w.end_struct();
}

void write_logical_type(ThriftCompactWriter& w, LogicalType logical) {
  w.field_struct(10);
  switch (logical) {
    case LogicalType::kString:
      w.field_struct(static_cast<std::int16_t>(LogicalTypeId::kString));
      w.end_struct();
      break;
    case LogicalType::kJson:
      w.field_struct(static_cast<std::int16_t>(LogicalTypeId::kJson));
      w.end_struct();
      break;
    case LogicalType::kTimestampMillisUtc:
    case LogicalType::kTimestampMicrosUtc:
      w.field_struct(static_cast<std::int16_t>(LogicalTypeId::kTimestamp));
      w.field_bool(1, true);  // isAdjustedToUTC
      w.field_struct(2);      // unit: TimeUnit union
      // MILLIS is the union's field 1, MICROS field 2.
      w.field_struct(logical == LogicalType::kTimestampMillisUtc ? 1 : 2);
      w.end_struct();
      w.end_struct();
      w.end_struct();
      break;
    case LogicalType::kNone:
      break;
  }
  w.end_struct();
}

void write_schema_element(ThriftCompactWriter& w, const ColumnSpec& c) {
  w.begin_struct();
  w.field_i32(1, to_i32(c.type));
  w.field_i32(3, to_i32(c.required ? Repetition::kRequired : Repetition::kOptional));
  w.field_binary(4, c.name);
  switch (c.logical) {
    case LogicalType::kString:
      w.field_i32(6, to_i32(ConvertedType::kUtf8));
      break;
    case LogicalType::kJson:
      w.field_i32(6, to_i32(ConvertedType::kJson));
      break;
    case LogicalType::kTimestampMillisUtc:
      w.field_i32(6, to_i32(ConvertedType::kTimestampMillis));
      break;
    case LogicalType::kTimestampMicrosUtc:
      w.field_i32(6, to_i32(ConvertedType::kTimestampMicros));
      break;
    case LogicalType::kNone:
      break;
  }
  if (c.field_id) w.field_i32(9, *c.field_id);
  if (c.logical != LogicalType::kNone) write_logical_type(w, c.logical);
  w.end_struct();
}

void write_column_chunk(ThriftCompactWriter& w, const ColumnSpec& spec,
                        const ColumnChunkInfo& chunk, std::int64_t codec) {
  w.begin_struct();
  w.field_i64(2, chunk.start_offset);
  w.field_struct(3);  // ColumnMetaData
  w.field_i32(1, to_i32(spec.type));
  w.field_list(2, ThriftType::kI32, chunk.encodings.size());
  for (Encoding e : chunk.encodings) w.element_i32(to_i32(e));
  w.field_list(3, ThriftType::kBinary, 1);
  w.element_binary(spec.name);
  w.field_i32(4, static_cast<std::int32_t>(codec));
  w.field_i64(5, chunk.num_values);
  w.field_i64(6, chunk.total_uncompressed_size);
  w.field_i64(7, chunk.total_compressed_size);
  w.field_i64(9, chunk.data_page_offset);
  if (chunk.dictionary_page_offset) w.field_i64(11, *chunk.dictionary_page_offset);
  write_statistics(w, 12, chunk.statistics);
  w.field_list(13, ThriftType::kStruct, chunk.encoding_stats.size());
  for (const PageEncodingCount& e : chunk.encoding_stats) {
    w.begin_struct();
    w.field_i32(1, to_i32(e.page_type));
    w.field_i32(2, to_i32(e.encoding));
    w.field_i32(3, e.count);
    w.end_struct();
  }
  w.end_struct();
  if (chunk.offset_index_offset) {
    w.field_i64(4, *chunk.offset_index_offset);
    w.field_i32(5, chunk.offset_index_length);
  }
  if (chunk.column_index_offset) {
    w.field_i64(6, *chunk.column_index_offset);
    w.field_i32(7, chunk.column_index_length);
  }
  w.end_struct();
}

}  // namespace

void encode_data_page_header(std::string& out, std::int32_t uncompressed_size,
                             std::int32_t compressed_size, std::int32_t num_values,
                             Encoding encoding, const EncodedStatistics* statistics) {
  ThriftCompactWriter w(out);
  w.begin_struct();
  w.field_i32(1, to_i32(PageType::kDataPage));
  w.field_i32(2, uncompressed_size);
  w.field_i32(3, compressed_size);
  w.field_struct(5);  // DataPageHeader
  w.field_i32(1, num_values);
  w.field_i32(2, to_i32(encoding));
  w.field_i32(3, to_i32(Encoding::kRle));  // definition levels
  w.field_i32(4, to_i32(Encoding::kRle));  // repetition levels (none: the schema is flat)
  if (statistics != nullptr) write_statistics(w, 5, *statistics);
  w.end_struct();
  w.end_struct();
}

void encode_dictionary_page_header(std::string& out, std::int32_t uncompressed_size,
                                   std::int32_t compressed_size, std::int32_t num_values) {
  ThriftCompactWriter w(out);
  w.begin_struct();
  w.field_i32(1, to_i32(PageType::kDictionaryPage));
  w.field_i32(2, uncompressed_size);
  w.field_i32(3, compressed_size);
  w.field_struct(7);  // DictionaryPageHeader
  w.field_i32(1, num_values);
  w.field_i32(2, to_i32(Encoding::kPlain));
  w.end_struct();
  w.end_struct();
}

void encode_column_index(std::string& out, const ColumnChunkInfo& chunk) {
  ThriftCompactWriter w(out);
  w.begin_struct();
  w.field_list(1, ThriftType::kBoolTrue, chunk.pages.size());
  for (const PageInfo& p : chunk.pages) w.element_bool(!p.statistics.has_min_max);
  w.field_list(2, ThriftType::kBinary, chunk.pages.size());
  for (const PageInfo& p : chunk.pages) w.element_binary(p.statistics.min);
  w.field_list(3, ThriftType::kBinary, chunk.pages.size());
  for (const PageInfo& p : chunk.pages) w.element_binary(p.statistics.max);
  w.field_i32(4, 0);  // BoundaryOrder UNORDERED: always true, and readers then check every page
  w.field_list(5, ThriftType::kI64, chunk.pages.size());
  for (const PageInfo& p : chunk.pages) w.element_i64(p.statistics.null_count);
  w.end_struct();
}

void encode_offset_index(std::string& out, const ColumnChunkInfo& chunk) {
  ThriftCompactWriter w(out);
  w.begin_struct();
  w.field_list(1, ThriftType::kStruct, chunk.pages.size());
  for (const PageInfo& p : chunk.pages) {
    w.begin_struct();
    w.field_i64(1, p.offset);
    w.field_i32(2, p.compressed_size);
    w.field_i64(3, p.first_row);
    w.end_struct();
  }
  w.end_struct();
}

void encode_file_metadata(std::string& out, const std::vector<ColumnSpec>& schema,
                          const std::vector<RowGroupInfo>& row_groups,
                          const std::vector<KeyValue>& key_values, std::string_view created_by,
                          CompressionCodec codec) {
  ThriftCompactWriter w(out);
  w.begin_struct();
  w.field_i32(1, 1);  // version
  w.field_list(2, ThriftType::kStruct, schema.size() + 1);
  w.begin_struct();  // the root group
  w.field_binary(4, "schema");
  w.field_i32(5, static_cast<std::int32_t>(schema.size()));
  w.end_struct();
  for (const ColumnSpec& c : schema) write_schema_element(w, c);
  std::int64_t num_rows = 0;
  for (const RowGroupInfo& rg : row_groups) num_rows += rg.num_rows;
  w.field_i64(3, num_rows);
  w.field_list(4, ThriftType::kStruct, row_groups.size());
  for (const RowGroupInfo& rg : row_groups) {
    std::int64_t uncompressed = 0;
    std::int64_t compressed = 0;
    w.begin_struct();
    w.field_list(1, ThriftType::kStruct, rg.columns.size());
    for (std::size_t i = 0; i < rg.columns.size(); ++i) {
      write_column_chunk(w, schema[i], rg.columns[i], to_i32(codec));
      uncompressed += rg.columns[i].total_uncompressed_size;
      compressed += rg.columns[i].total_compressed_size;
    }
    w.field_i64(2, uncompressed);
    w.field_i64(3, rg.num_rows);
    if (!rg.columns.empty()) w.field_i64(5, rg.columns.front().start_offset);
    w.field_i64(6, compressed);
    w.end_struct();
  }
  if (!key_values.empty()) {
    w.field_list(5, ThriftType::kStruct, key_values.size());
    for (const KeyValue& kv : key_values) {
      w.begin_struct();
      w.field_binary(1, kv.key);
      w.field_binary(2, kv.value);
      w.end_struct();
    }
  }
  w.field_binary(6, created_by);
  // TypeDefinedOrder for every column: readers may trust min_value/max_value.
  w.field_list(7, ThriftType::kStruct, schema.size());
  for (std::size_t i = 0; i < schema.size(); ++i) {
    w.begin_struct();
    w.field_struct(1);
    w.end_struct();
    w.end_struct();
  }
  w.end_struct();
}

}  // namespace tributary::lake::parquet
