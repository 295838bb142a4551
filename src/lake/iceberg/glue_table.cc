#include "lake/iceberg/glue_table.h"

#include <charconv>

#include "lake/silver_schema.h"
#include "util/json_writer.h"

namespace tributary::lake::iceberg {

std::string glue_column_type(const parquet::ColumnSpec& column) {
  switch (column.type) {
    case parquet::PhysicalType::kBoolean:
      return "boolean";
    case parquet::PhysicalType::kInt32:
      return "int";
    case parquet::PhysicalType::kInt64:
      return column.logical == parquet::LogicalType::kTimestampMicrosUtc ? "timestamp" : "bigint";
    case parquet::PhysicalType::kDouble:
      return "double";
    case parquet::PhysicalType::kByteArray:
      return "string";
  }
  return "string";
}

std::string glue_table_input(event::Stream stream, std::string_view table_location,
                             std::string_view metadata_location) {
  std::string out;
  util::JsonWriter w(out);
  w.begin_object()
      .key("Name")
      .value(event::stream_name(stream))
      .key("TableType")
      .value("EXTERNAL_TABLE")
      .key("Parameters")
      .begin_object()
      .key("table_type")
      .value("ICEBERG")
      .key("metadata_location")
      .value(metadata_location)
      .end_object()
      .key("StorageDescriptor")
      .begin_object()
      .key("Location")
      .value(table_location)
      .key("Columns")
      .begin_array();
  for (const parquet::ColumnSpec& c : silver_columns(stream)) {
    w.begin_object().key("Name").value(c.name).key("Type").value(glue_column_type(c)).end_object();
  }
  w.end_array().end_object().end_object();
  return out;
}

std::optional<MetadataFile> parse_metadata_location(std::string_view location) {
  constexpr std::string_view kDir = "/metadata/v";
  constexpr std::string_view kSuffix = ".metadata.json";
  if (!location.ends_with(kSuffix)) return std::nullopt;
  const std::size_t dir = location.rfind(kDir);
  if (dir == std::string_view::npos || dir == 0) return std::nullopt;
  const std::string_view digits =
      location.substr(dir + kDir.size(), location.size() - kSuffix.size() - dir - kDir.size());
  MetadataFile out;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out.version);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() ||
      out.version <= 0) {
    return std::nullopt;
  }
  out.table_location = std::string(location.substr(0, dir));
  return out;
}

}  // namespace tributary::lake::iceberg
