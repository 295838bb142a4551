// SqlConnection: the narrow interface the warehouse code speaks to a database through. Two
// implementations, SqliteConnection and PostgresConnection; dialect-specific bulk paths (SQLite
// prepared inserts, PostgreSQL binary COPY) live on the concrete classes.
//
// Parameters are written $1, $2, ... in SQL text for both dialects and always bound, never
// spliced into the text. Results come back as text (NULL as nullopt), which is all the report and
// the tests need.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tributary::warehouse {

enum class Dialect : std::uint8_t { kSqlite, kPostgres };

// Bytes bound as a BLOB (SQLite) or a binary bytea parameter (PostgreSQL): no hex round trip.
struct SqlBlob {
  std::string bytes;
};

// A bound parameter: NULL, an integer, a double, text or bytes.
using SqlValue = std::variant<std::monostate, std::int64_t, double, std::string, SqlBlob>;

using SqlRow = std::vector<std::optional<std::string>>;

// An integer column of a result row; NULL (e.g. sum() over no rows) reads as 0.
inline std::int64_t sql_int(const std::optional<std::string>& value) {
  return value ? std::stoll(*value) : 0;
}

// The database could not be reached: the connection was lost (server restart, failover, network)
// or cannot be made again. The server rolled back whatever transaction was open. Callers wait and
// reconnect (Warehouse::ensure_connected) instead of treating it as a failure of their data; every
// other database error (a constraint, a syntax error, a permission) is a plain std::runtime_error.
struct DatabaseUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A statement would have stored a second row with the same primary key or unique key (SQLSTATE
// 23505; SQLite's PRIMARYKEY and UNIQUE constraints). The statement changed nothing; the
// transaction must be rolled back (PostgreSQL aborts it), at least to a savepoint.
struct UniqueViolation : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// `name` as a quoted SQL identifier ("name", an inner '"' doubled), valid in both dialects: for
// the table names that DDL and COPY cannot take as bound parameters. Throws std::invalid_argument
// for an empty name or one with a NUL byte, which no identifier may hold.
inline std::string quote_identifier(std::string_view name) {
  if (name.empty() || name.find('\0') != std::string_view::npos) {
    throw std::invalid_argument("not an SQL identifier: empty or holding a NUL byte");
  }
  std::string out = "\"";
  for (const char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;

  virtual Dialect dialect() const = 0;

  // False once the connection to a server was lost; an embedded database is always connected.
  virtual bool connected() const { return true; }
  // Connects again with the same settings after connected() turned false; the new session has
  // none of the old one's temporary tables or settings. Throws DatabaseUnavailable while the
  // server cannot be reached.
  virtual void reconnect() {}

  // Runs one or more statements without parameters (a migration, DDL, BEGIN). Throws
  // std::runtime_error with the database's message on failure (DatabaseUnavailable when the
  // connection is lost; so do execute() and query()).
  virtual void execute_script(std::string_view sql) = 0;

  // Runs one statement with bound parameters and returns how many rows it changed.
  virtual std::int64_t execute(std::string_view sql, std::span<const SqlValue> params = {}) = 0;

  // Runs one query with bound parameters and returns every row.
  virtual std::vector<SqlRow> query(std::string_view sql,
                                    std::span<const SqlValue> params = {}) = 0;
};

// Runs the insert `plain` under a savepoint and returns its change count; if it would store a
// key twice (UniqueViolation), undoes it and returns what `otherwise` returns instead. For inserts
// that usually meet no stored key, whose skipping form (ON CONFLICT DO NOTHING, a speculative
// insertion per row on PostgreSQL, and RETURNING to learn what was new) costs 1.4-2x the plain
// one. Only inside a transaction.
inline std::int64_t insert_else(SqlConnection& db, std::string_view plain,
                                std::span<const SqlValue> params,
                                const std::function<std::int64_t()>& otherwise) {
  db.execute_script("SAVEPOINT tributary_insert");
  std::int64_t changed = 0;
  try {
    changed = db.execute(plain, params);
  } catch (const UniqueViolation&) {
    db.execute_script("ROLLBACK TO SAVEPOINT tributary_insert");
    changed = otherwise();
  }
  db.execute_script("RELEASE SAVEPOINT tributary_insert");
  return changed;
}

}  // namespace tributary::warehouse
