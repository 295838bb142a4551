// PostgresConnection: one libpq connection. Unless the URI says otherwise, it gives up on a
// connection attempt after 10 s and on a silent peer after about a minute (TCP keepalives and a
// user timeout), so a network partition surfaces as DatabaseUnavailable instead of a hang. Every
// error message it raises has the URI's password scrubbed out (libpq may echo connection
// parameters), and names the warehouse by its redacted URI only. Errors that mean the server is
// out of reach are DatabaseUnavailable (sql_connection.h).
#pragma once

#include <libpq-fe.h>

#include <optional>
#include <string>

#include "warehouse/sql_connection.h"
#include "warehouse/warehouse_uri.h"

namespace tributary::warehouse {

class PostgresConnection final : public SqlConnection {
 public:
  // Connects to `uri` (a parsed postgresql:// URI). Throws std::runtime_error on failure.
  explicit PostgresConnection(const WarehouseUri& uri);
  ~PostgresConnection() override;
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }
  bool connected() const override;
  void reconnect() override;
  void execute_script(std::string_view sql) override;
  std::int64_t execute(std::string_view sql, std::span<const SqlValue> params = {}) override;
  std::vector<SqlRow> query(std::string_view sql, std::span<const SqlValue> params = {}) override;

  // The value of a libpq connection option in effect (e.g. "keepalives_idle"), or nothing.
  std::optional<std::string> option(std::string_view keyword) const;

  // Runs `copy_sql` (a COPY ... FROM STDIN) and streams `data` to it in one go.
  void copy_in(std::string_view copy_sql, std::string_view data);

 private:
  // Throws the connection's last error: DatabaseUnavailable when the connection is gone or the
  // server refuses sessions (SQLSTATE class 08, 57P01-57P03), std::runtime_error otherwise.
  [[noreturn]] void fail(std::string_view what, const PGresult* result = nullptr) const;
  PGresult* exec_params(std::string_view sql, std::span<const SqlValue> params);

  WarehouseUri uri_;
  PGconn* conn_ = nullptr;
};

}  // namespace tributary::warehouse
