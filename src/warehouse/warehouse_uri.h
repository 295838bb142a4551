// Warehouse URIs: `sqlite:///abs/path.db` or `postgresql://user:pass@host:port/db[?params]`
// (`postgres://` is accepted too). The password is a secret: it is kept apart so that every
// message mentioning the warehouse can use `redacted` and scrub it from library errors.
#pragma once

#include <string>
#include <string_view>

#include "warehouse/sql_connection.h"

namespace tributary::warehouse {

struct WarehouseUri {
  Dialect dialect;
  // SQLite: the database file path. PostgreSQL: the URI as given, for libpq.
  std::string target;
  // The URI with any password replaced by "***": safe to print.
  std::string redacted;
  // The password as written in the URI and percent-decoded; empty when there is none.
  std::string password_raw;
  std::string password;
};

// Parses `uri`. Throws std::invalid_argument with a specific reason (never echoing the password)
// when the scheme is unknown or the SQLite path is not absolute.
WarehouseUri parse_warehouse_uri(std::string_view uri);

// `message` with every occurrence of the URI's password (raw and decoded) replaced by "***".
std::string scrub_secret(std::string message, const WarehouseUri& uri);

}  // namespace tributary::warehouse
