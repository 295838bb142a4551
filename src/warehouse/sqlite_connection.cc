#include "warehouse/sqlite_connection.h"

#include <charconv>
#include <optional>
#include <stdexcept>
#include <string>

#include "util/hex.h"

namespace tributary::warehouse {
namespace {

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  const std::string message = "sqlite: " + std::string(what) + ": " + sqlite3_errmsg(db);
  const int code = sqlite3_extended_errcode(db);
  if (code == SQLITE_CONSTRAINT_PRIMARYKEY || code == SQLITE_CONSTRAINT_UNIQUE) {
    throw UniqueViolation(message);
  }
  throw std::runtime_error(message);
}

// unhex(text): the bytes the hex digits spell, NULL when they do not (odd length, a non-digit):
// SQLite's own function from 3.41 on. Migration 0011 needs it and Debian 12 ships 3.40.
void sqlite_unhex(sqlite3_context* context, int /*argc*/, sqlite3_value** argv) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  const int size = sqlite3_value_bytes(argv[0]);
  const std::optional<std::string> bytes =
      text == nullptr ? std::nullopt
                      : util::hex_decode(std::string_view(text, static_cast<std::size_t>(size)));
  if (!bytes) {
    sqlite3_result_null(context);
    return;
  }
  sqlite3_result_blob64(context, bytes->data(), bytes->size(), SQLITE_TRANSIENT);
}

}  // namespace

SqliteStatement::SqliteStatement(sqlite3* db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
      SQLITE_OK) {
    fail(db, "prepare");
  }
}

SqliteStatement::~SqliteStatement() {
  sqlite3_finalize(stmt_);
}

void SqliteStatement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
}
void SqliteStatement::bind_int64(int index, std::int64_t v) {
  sqlite3_bind_int64(stmt_, index, v);
}
void SqliteStatement::bind_double(int index, double v) {
  sqlite3_bind_double(stmt_, index, v);
}
void SqliteStatement::bind_text(int index, std::string_view v) {
  sqlite3_bind_text64(stmt_, index, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8);
}

void SqliteStatement::bind_blob(int index, std::string_view bytes) {
  sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_STATIC);
}

void SqliteStatement::bind(int index, const SqlValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) {
    bind_int64(index, *i);
  } else if (const auto* d = std::get_if<double>(&v)) {
    bind_double(index, *d);
  } else if (const auto* s = std::get_if<std::string>(&v)) {
    bind_text(index, *s);
  } else if (const auto* b = std::get_if<SqlBlob>(&v)) {
    sqlite3_bind_blob64(stmt_, index, b->bytes.data(), b->bytes.size(), SQLITE_STATIC);
  } else {
    bind_null(index);
  }
}

void SqliteStatement::bind_numbered(std::span<const SqlValue> params) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const std::string name = "$" + std::to_string(i + 1);
    const int index = sqlite3_bind_parameter_index(stmt_, name.c_str());
    if (index == 0) throw std::logic_error("sqlite: statement has no parameter " + name);
    bind(index, params[i]);
  }
}

void SqliteStatement::run() {
  const int rc = sqlite3_step(stmt_);
  sqlite3_reset(stmt_);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) fail(db_, "step");
}

bool SqliteStatement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, "step");
}

std::optional<std::string> SqliteStatement::column_text(int index) const {
  if (sqlite3_column_type(stmt_, index) == SQLITE_FLOAT) {
    // SQLite's own text form keeps only 15 significant digits; this one round-trips.
    char buf[32];
    const auto end = std::to_chars(buf, buf + sizeof buf, sqlite3_column_double(stmt_, index)).ptr;
    return std::string(buf, end);
  }
  const unsigned char* text = sqlite3_column_text(stmt_, index);
  if (text == nullptr) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)));
}

int SqliteStatement::column_count() const {
  return sqlite3_column_count(stmt_);
}

void SqliteStatement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

SqliteConnection::SqliteConnection(const std::string& path) {
  // SQLite's defaults guard against sharing a connection across threads: a mutex around every
  // call on the connection, and a global one around every allocation (for memory statistics no
  // one reads). A SqliteConnection is used by one thread at a time, so neither is needed; both
  // showed in a profile of the ingester. The global setting only takes before SQLite's first
  // use in the process; later it is refused, harmlessly.
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
  if (sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    const std::string reason = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("cannot open SQLite warehouse " + path + ": " + reason);
  }
  sqlite3_extended_result_codes(db_, 1);
  if (sqlite3_libversion_number() < 3041000) {
    sqlite3_create_function_v2(db_, "unhex", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                               sqlite_unhex, nullptr, nullptr, nullptr);
  }
  sqlite3_busy_timeout(db_, 30000);
  try {
    // WAL lets readers run during a load; NORMAL sync is durable at each commit in WAL mode
    // except for power loss, and temp tables (the staging area) stay in memory. A 64 MiB page
    // cache (SQLite's default is 2 MiB) keeps the facts' random-keyed indexes hot during loads.
    execute_script(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; "
        "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;");
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

SqliteConnection::~SqliteConnection() {
  sqlite3_close(db_);
}

void SqliteConnection::execute_script(std::string_view sql) {
  const std::string text(sql);
  char* error = nullptr;
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error != nullptr ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    throw std::runtime_error("sqlite: " + message);
  }
}

std::int64_t SqliteConnection::execute(std::string_view sql, std::span<const SqlValue> params) {
  SqliteStatement stmt(db_, sql);
  stmt.bind_numbered(params);
  stmt.run();
  return changes();
}

std::vector<SqlRow> SqliteConnection::query(std::string_view sql,
                                            std::span<const SqlValue> params) {
  SqliteStatement stmt(db_, sql);
  stmt.bind_numbered(params);
  std::vector<SqlRow> rows;
  const int columns = stmt.column_count();
  while (stmt.step()) {
    SqlRow row;
    row.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) row.push_back(stmt.column_text(c));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::unique_ptr<SqliteStatement> SqliteConnection::prepare(std::string_view sql) {
  return std::make_unique<SqliteStatement>(db_, sql);
}

std::int64_t SqliteConnection::changes() const {
  return sqlite3_changes64(db_);
}

}  // namespace tributary::warehouse
