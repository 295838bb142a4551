// A silver table's Iceberg schema and partition spec, derived from its Parquet columns.
//
// Column ids are the Parquet field_ids the silver writer puts on every column (silver_schema.h),
// so engines resolve data files by id. Types (Iceberg specification, "Primitive Types"):
//   BYTE_ARRAY STRING or JSON -> string, BYTE_ARRAY without annotation -> binary, INT32 -> int,
//   INT64 -> long, INT64 TIMESTAMP(MICROS, UTC) -> timestamptz, DOUBLE -> double,
//   BOOLEAN -> boolean.
// INT64 TIMESTAMP(MILLIS) has no Iceberg type: iceberg_columns() refuses it, as it refuses a
// column without a field_id (std::invalid_argument).
//
// The partition spec is day(ts): spec id 0, one field "ts_day" with partition field id 1000 (the
// first id the specification's partition ids start at) and source id ts's column id.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "lake/parquet/column_writer.h"

namespace tributary::lake::iceberg {

inline constexpr std::int32_t kPartitionFieldId = 1000;
inline constexpr std::string_view kPartitionFieldName = "ts_day";

struct IcebergColumn {
  std::int32_t id = 0;
  std::string name;
  bool required = false;
  std::string type;  // the schema JSON type string: "string", "long", "timestamptz", ...
};

std::vector<IcebergColumn> iceberg_columns(std::span<const parquet::ColumnSpec> columns);

// {"type":"struct","schema-id":<id>,"fields":[{"id":..,"name":..,"required":..,"type":..}...]}
std::string schema_json(std::span<const IcebergColumn> columns, std::int32_t schema_id);

// The id of the column named "ts" (the partition source); throws std::invalid_argument when
// there is none or it is not a timestamptz.
std::int32_t ts_column_id(std::span<const IcebergColumn> columns);

// The partition spec's fields array, [{"name":"ts_day","transform":"day","source-id":..,
// "field-id":1000}], as manifests store it in their "partition-spec" metadata.
std::string partition_fields_json(std::int32_t ts_id);

}  // namespace tributary::lake::iceberg
