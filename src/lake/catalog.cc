#include "lake/catalog.h"

#include <optional>
#include <set>
#include <stdexcept>

#include "event/schema.h"
#include "lake/parquet/format.h"
#include "lake/silver_schema.h"

namespace tributary::lake {
namespace {

// A SQL string literal: single quotes doubled.
std::string sql_literal(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

// Column names come from the schema table (snake_case); the DDL quotes them anyway so reserved
// words stay safe.
std::string athena_type(const parquet::ColumnSpec& c) {
  switch (c.type) {
    case parquet::PhysicalType::kBoolean:
      return "boolean";
    case parquet::PhysicalType::kInt32:
      return "int";
    case parquet::PhysicalType::kInt64:
      return c.logical == parquet::LogicalType::kTimestampMicrosUtc ? "timestamp" : "bigint";
    case parquet::PhysicalType::kDouble:
      return "double";
    case parquet::PhysicalType::kByteArray:
      return "string";
  }
  return "string";
}

std::string strip_trailing_slash(std::string_view s) {
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return std::string(s);
}

std::string athena_ddl(std::string_view lake_uri) {
  if (!lake_uri.starts_with("s3://")) {
    throw std::invalid_argument("athena reads only s3:// lakes, not " + std::string(lake_uri));
  }
  const std::string base = strip_trailing_slash(lake_uri);
  std::string out;
  for (event::Stream stream : event::kAllStreams) {
    const std::string name(event::stream_name(stream));
    const std::string location = base + "/silver/" + name + "/";
    out += "CREATE EXTERNAL TABLE IF NOT EXISTS `" + name + "` (\n";
    const auto columns = silver_columns(stream);
    for (std::size_t i = 0; i < columns.size(); ++i) {
      out += "  `" + columns[i].name + "` " + athena_type(columns[i]) +
             (i + 1 < columns.size() ? ",\n" : "\n");
    }
    out += ")\nPARTITIONED BY (`event_date` string)\nSTORED AS PARQUET\nLOCATION " +
           sql_literal(location) +
           "\nTBLPROPERTIES (\n"
           "  'projection.enabled' = 'true',\n"
           "  'projection.event_date.type' = 'date',\n"
           "  'projection.event_date.format' = 'yyyy-MM-dd',\n"
           "  'projection.event_date.range' = '2000-01-01,NOW',\n"
           "  'projection.event_date.interval' = '1',\n"
           "  'projection.event_date.interval.unit' = 'DAYS',\n"
           "  'storage.location.template' = " +
           sql_literal(location + "event_date=${event_date}/") + "\n);\n\n";
  }
  return out;
}

std::string duckdb_ddl(std::string_view lake_uri, const std::vector<ManifestEntry>& committed) {
  std::string root;
  if (lake_uri.starts_with("file://")) {
    root = strip_trailing_slash(lake_uri.substr(7));
    if (!root.starts_with("/")) {
      throw std::invalid_argument("file:// lake URI must hold an absolute path: " +
                                  std::string(lake_uri));
    }
  } else if (lake_uri.starts_with("s3://")) {
    root = strip_trailing_slash(lake_uri);
  } else {
    throw std::invalid_argument("duckdb catalog needs a file:// or s3:// lake, not " +
                                std::string(lake_uri));
  }
  std::set<std::string> tables;
  for (const ManifestEntry& e : committed) tables.insert(e.table);
  std::string out;
  for (event::Stream stream : event::kAllStreams) {
    const std::string name(event::stream_name(stream));
    if (!tables.contains(name)) continue;
    out += "CREATE OR REPLACE VIEW \"" + name + "\" AS SELECT * FROM read_parquet(" +
           sql_literal(root + "/silver/" + name + "/event_date=*/*.parquet") +
           ", hive_partitioning = true);\n";
  }
  return out;
}

}  // namespace

std::optional<CatalogDialect> catalog_dialect_from_name(std::string_view name) {
  if (name == "athena") return CatalogDialect::kAthena;
  if (name == "duckdb") return CatalogDialect::kDuckDB;
  return std::nullopt;
}

std::string catalog_ddl(CatalogDialect dialect, std::string_view lake_uri,
                        const std::vector<ManifestEntry>& committed) {
  return dialect == CatalogDialect::kAthena ? athena_ddl(lake_uri)
                                            : duckdb_ddl(lake_uri, committed);
}

}  // namespace tributary::lake
