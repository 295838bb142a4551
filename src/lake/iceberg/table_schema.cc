#include "lake/iceberg/table_schema.h"

#include <stdexcept>

#include "util/json_writer.h"

namespace tributary::lake::iceberg {
namespace {

std::string iceberg_type(const parquet::ColumnSpec& c) {
  switch (c.type) {
    case parquet::PhysicalType::kBoolean:
      return "boolean";
    case parquet::PhysicalType::kInt32:
      return "int";
    case parquet::PhysicalType::kInt64:
      if (c.logical == parquet::LogicalType::kTimestampMicrosUtc) return "timestamptz";
      if (c.logical == parquet::LogicalType::kTimestampMillisUtc) {
        throw std::invalid_argument("iceberg: column " + c.name +
                                    " is TIMESTAMP(MILLIS), which Iceberg has no type for");
      }
      return "long";
    case parquet::PhysicalType::kDouble:
      return "double";
    case parquet::PhysicalType::kByteArray:
      return c.logical == parquet::LogicalType::kNone ? "binary" : "string";
  }
  throw std::invalid_argument("iceberg: column " + c.name + " has an unknown type");
}

}  // namespace

std::vector<IcebergColumn> iceberg_columns(std::span<const parquet::ColumnSpec> columns) {
  std::vector<IcebergColumn> out;
  for (const parquet::ColumnSpec& c : columns) {
    if (!c.field_id || *c.field_id <= 0) {
      throw std::invalid_argument("iceberg: column " + c.name + " has no positive field_id");
    }
    out.push_back({*c.field_id, c.name, c.required, iceberg_type(c)});
  }
  return out;
}

std::string schema_json(std::span<const IcebergColumn> columns, std::int32_t schema_id) {
  std::string out;
  util::JsonWriter w(out);
  w.begin_object();
  w.key("type").value("struct");
  w.key("schema-id").value(static_cast<std::int64_t>(schema_id));
  w.key("fields").begin_array();
  for (const IcebergColumn& c : columns) {
    w.begin_object();
    w.key("id").value(static_cast<std::int64_t>(c.id));
    w.key("name").value(c.name);
    w.key("required").value(c.required);
    w.key("type").value(c.type);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

std::int32_t ts_column_id(std::span<const IcebergColumn> columns) {
  for (const IcebergColumn& c : columns) {
    if (c.name == "ts") {
      if (c.type != "timestamptz") {
        throw std::invalid_argument("iceberg: the partition source ts is " + c.type +
                                    ", not timestamptz");
      }
      return c.id;
    }
  }
  throw std::invalid_argument("iceberg: no ts column to partition by");
}

std::string partition_fields_json(std::int32_t ts_id) {
  std::string out;
  util::JsonWriter w(out);
  w.begin_array().begin_object();
  w.key("name").value(kPartitionFieldName);
  w.key("transform").value("day");
  w.key("source-id").value(static_cast<std::int64_t>(ts_id));
  w.key("field-id").value(static_cast<std::int64_t>(kPartitionFieldId));
  w.end_object().end_array();
  return out;
}

}  // namespace tributary::lake::iceberg
