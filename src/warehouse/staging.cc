#include "warehouse/staging.h"

namespace tributary::warehouse {
namespace {

std::string_view sql_type(event::FieldType type, Dialect dialect) {
  const bool pg = dialect == Dialect::kPostgres;
  switch (type) {
    case event::FieldType::kString:
      return "text";
    case event::FieldType::kInt32:
      return pg ? "integer" : "INTEGER";
    case event::FieldType::kInt64:
      return pg ? "bigint" : "INTEGER";
    case event::FieldType::kTimestampMs:
      return pg ? "timestamptz" : "INTEGER";
    case event::FieldType::kDouble:
      return pg ? "double precision" : "REAL";
    case event::FieldType::kBool:
      return pg ? "boolean" : "INTEGER";
  }
  return "text";
}

}  // namespace

std::string staging_table(event::Stream stream) {
  return "stage_" + std::string(event::stream_name(stream));
}

std::string staging_ddl(event::Stream stream, Dialect dialect) {
  const bool pg = dialect == Dialect::kPostgres;
  std::string sql = "CREATE TEMP TABLE IF NOT EXISTS " + staging_table(stream) + " (event_key " +
                    (pg ? "uuid" : "BLOB") + " NOT NULL, date_key " + (pg ? "integer" : "INTEGER") +
                    " NOT NULL";
  for (const event::StreamField& f : event::stream_fields(stream)) {
    sql += ", ";
    sql += f.info().column_name;
    sql += ' ';
    sql += sql_type(f.info().type, dialect);
    if (f.required()) sql += " NOT NULL";
  }
  sql += ')';
  return sql;
}

std::string staging_columns(event::Stream stream) {
  std::string cols = "event_key, date_key";
  for (const event::StreamField& f : event::stream_fields(stream)) {
    cols += ", ";
    cols += f.info().column_name;
  }
  return cols;
}

}  // namespace tributary::warehouse
