// SqliteConnection: one sqlite3 handle in WAL mode with foreign keys on and a busy timeout, so
// a reader (`tributary report`) and the loader can share the file. One thread at a time may use
// it: it is opened without SQLite's own locking (SQLITE_OPEN_NOMUTEX).
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>

#include "warehouse/sql_connection.h"

namespace tributary::warehouse {

// A prepared statement bound by position (1-based) and re-run many times; the bulk path of the
// SQLite loader. Owned by the connection that prepared it; must not outlive it.
class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, std::string_view sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  void bind_null(int index);
  void bind_int64(int index, std::int64_t v);
  void bind_double(int index, double v);
  // The text must stay alive until step() returns.
  void bind_text(int index, std::string_view v);
  // The bytes must stay alive until step() returns.
  void bind_blob(int index, std::string_view bytes);
  void bind(int index, const SqlValue& v);
  // Binds params[i] to the parameter named $<i+1>, wherever it appears in the text.
  void bind_numbered(std::span<const SqlValue> params);

  // Runs the statement to completion (for inserts) and resets it for the next row.
  void run();
  // Advances to the next result row; false when done.
  bool step();
  // Column `index` (0-based) of the current row as text, nullopt for NULL.
  std::optional<std::string> column_text(int index) const;
  int column_count() const;
  void reset();

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteConnection final : public SqlConnection {
 public:
  // Opens (creating if needed) the database at `path`. Throws std::runtime_error naming the path.
  explicit SqliteConnection(const std::string& path);
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Dialect dialect() const override { return Dialect::kSqlite; }
  void execute_script(std::string_view sql) override;
  std::int64_t execute(std::string_view sql, std::span<const SqlValue> params = {}) override;
  std::vector<SqlRow> query(std::string_view sql, std::span<const SqlValue> params = {}) override;

  std::unique_ptr<SqliteStatement> prepare(std::string_view sql);
  std::int64_t changes() const;

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace tributary::warehouse
