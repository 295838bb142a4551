#include "warehouse/staging.h"

#include <array>

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

// In DimensionKey order.
constexpr std::array<std::string_view, kDimensionKeyCount> kKeyColumns = {
    "location_key", "song_key",   "level_key",     "auth_key",
    "page_key",     "method_key", "user_agent_key"};

// What the load's statements read as staged: the event's identity and time, its user and level
// (observations), a listen's length, a page view's status, an auth event's outcome.
bool staged_as_is(event::Field field) {
  using event::Field;
  switch (field) {
    case Field::kTs:
    case Field::kSessionId:
    case Field::kItemInSession:
    case Field::kUserId:
    case Field::kLevel:
    case Field::kDuration:
    case Field::kStatus:
    case Field::kSuccess:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string staging_table(event::Stream stream) {
  return "stage_" + std::string(event::stream_name(stream));
}

std::vector<event::StreamField> staged_fields(event::Stream stream) {
  std::vector<event::StreamField> out;
  for (const event::StreamField& f : event::stream_fields(stream)) {
    if (staged_as_is(f.field)) out.push_back(f);
  }
  return out;
}

std::string staging_ddl(event::Stream stream, Dialect dialect) {
  const bool pg = dialect == Dialect::kPostgres;
  std::string sql = "CREATE TEMP TABLE IF NOT EXISTS " + staging_table(stream) + " (event_key " +
                    (pg ? "uuid" : "BLOB") + " NOT NULL, date_key " + (pg ? "integer" : "INTEGER") +
                    " NOT NULL";
  for (const std::string_view key : kKeyColumns) {
    sql += ", ";
    sql += key;
    sql += pg ? " integer" : " INTEGER";
  }
  for (const event::StreamField& f : staged_fields(stream)) {
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
  for (const std::string_view key : kKeyColumns) {
    cols += ", ";
    cols += key;
  }
  for (const event::StreamField& f : staged_fields(stream)) {
    cols += ", ";
    cols += f.info().column_name;
  }
  return cols;
}

}  // namespace tributary::warehouse
