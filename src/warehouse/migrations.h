// Schema migrations: the SQL files in src/warehouse/migrations/<dialect>/NNNN_name.sql, embedded
// into the binary at build time. Versions are applied in order, each exactly once per database,
// and recorded in schema_migrations(version, name, applied_at).
#pragma once

#include <span>
#include <string_view>

#include "warehouse/sql_connection.h"

namespace tributary::warehouse {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// The dialect's migrations in ascending version order (generated from the .sql files).
std::span<const Migration> embedded_migrations(Dialect dialect);

// Applies every pending migration in one transaction, holding a lock that serialises concurrent
// migrators (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock). Returns the
// number applied. Throws std::runtime_error when the database has a version this binary does not
// know (it was migrated by a newer tributary).
int apply_migrations(SqlConnection& connection);

}  // namespace tributary::warehouse
