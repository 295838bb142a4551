#include "warehouse/migrations.h"

#include <set>
#include <stdexcept>
#include <string>

namespace tributary::warehouse {
namespace {

// Any constant works; it only has to be the same in every tributary process.
constexpr std::string_view kPostgresLock = "SELECT pg_advisory_xact_lock(7406521923)";

[[noreturn]] void throw_newer(int version, int newest) {
  throw std::runtime_error("warehouse schema version " + std::to_string(version) +
                           " is newer than this tributary knows (" + std::to_string(newest) +
                           "); upgrade tributary");
}

}  // namespace

int apply_migrations(SqlConnection& connection) {
  const Dialect dialect = connection.dialect();
  connection.execute_script(dialect == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
  try {
    if (dialect == Dialect::kPostgres) connection.query(kPostgresLock);
    const auto known = embedded_migrations(dialect);
    const int newest = known.empty() ? 0 : known.back().version;
    // Since migration 0023 the history is in a schema the BI role may not read; the applied
    // versions are what it needs to know that there is nothing to do.
    if (dialect == Dialect::kPostgres &&
        connection.query("SELECT to_regprocedure('tributary_schema_versions()') IS NOT NULL")
                .at(0)
                .at(0) == "t") {
      std::string expected = "{";
      for (const Migration& m : known) {
        if (expected.size() > 1) expected += ',';
        expected += std::to_string(m.version);
      }
      expected += '}';
      const std::string applied =
          connection.query("SELECT tributary_schema_versions()").at(0).at(0).value_or("{}");
      if (applied == expected) {
        connection.execute_script("COMMIT");
        return 0;
      }
      const std::size_t last = applied.find_last_of("{,");
      if (last != std::string::npos && last + 2 < applied.size() &&
          std::stoi(applied.substr(last + 1)) > newest) {
        throw_newer(std::stoi(applied.substr(last + 1)), newest);
      }
    }
    // Checked before creating, so an up-to-date warehouse needs no write privilege (the
    // read-only BI role can run `tributary report`).
    const bool exists =
        connection
            .query(dialect == Dialect::kSqlite
                       ? "SELECT count(*) = 1 FROM sqlite_master WHERE type = 'table'"
                         " AND name = 'schema_migrations'"
                       : "SELECT to_regclass('schema_migrations') IS NOT NULL")
            .at(0)
            .at(0)
            .value_or("") == (dialect == Dialect::kSqlite ? "1" : "t");
    if (!exists) {
      connection.execute_script(
          "CREATE TABLE schema_migrations (version integer PRIMARY KEY,"
          " name text NOT NULL, applied_at text NOT NULL)");
    }
    std::set<int> applied;
    for (const SqlRow& row : connection.query("SELECT version FROM schema_migrations")) {
      applied.insert(std::stoi(row.at(0).value_or("0")));
    }
    if (!applied.empty() && *applied.rbegin() > newest) throw_newer(*applied.rbegin(), newest);
    int count = 0;
    for (const Migration& m : known) {
      if (applied.contains(m.version)) continue;
      try {
        connection.execute_script(m.sql);
      } catch (const std::exception& e) {
        throw std::runtime_error("migration " + std::to_string(m.version) + "_" +
                                 std::string(m.name) + " failed: " + e.what());
      }
      const SqlValue params[] = {std::int64_t{m.version}, std::string(m.name)};
      connection.execute(
          "INSERT INTO schema_migrations (version, name, applied_at)"
          " VALUES ($1, $2, CURRENT_TIMESTAMP)",
          params);
      ++count;
    }
    connection.execute_script("COMMIT");
    return count;
  } catch (...) {
    try {
      connection.execute_script("ROLLBACK");
    } catch (const std::exception&) {
      // The original error says more than a failed rollback of a broken connection.
    }
    throw;
  }
}

}  // namespace tributary::warehouse
