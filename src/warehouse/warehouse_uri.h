// Warehouse URIs: `sqlite:///abs/path.db` or `postgresql://user:pass@host:port/db[?params]`
// (`postgres://` is accepted too). The password is a secret: it is kept apart so that every
// message mentioning the warehouse can use `redacted` and scrub it from library errors.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "warehouse/sql_connection.h"

namespace tributary::warehouse {

struct WarehouseUri {
  Dialect dialect;
  // SQLite: the database file path. PostgreSQL: the URI as given, for libpq.
  std::string target;
  // The URI with every password replaced by "***": safe to print.
  std::string redacted;
  // The user-info password as written in the URI and percent-decoded; empty when there is none.
  std::string password_raw;
  std::string password;
  // Every spelling of every password the URI carries (user info and `?password=`), as written
  // and decoded: what scrub_secret removes and what the process registers for redaction.
  std::vector<std::string> secrets;
};

// Parses `uri`. Throws std::invalid_argument with a specific reason (never echoing the password)
// when the scheme is unknown, the SQLite path is not absolute (`sqlite:///./x.db` and
// `sqlite:///../x.db` are refused: they are spelt as if relative, but name /x.db), or a PostgreSQL
// password holds a character that must be percent-encoded ('@', or a '/' that would end the host
// part early). User info is split as libpq splits it: up to the first '@' before the first '/'.
WarehouseUri parse_warehouse_uri(std::string_view uri);

// The `sqlite://` URI of `file` in the working directory, as an absolute path (the URI has no
// relative form): the default state database. Throws std::filesystem::filesystem_error when the
// working directory is gone.
std::string sqlite_uri_in_working_directory(std::string_view file);

// `message` with every occurrence of the URI's passwords (raw and decoded) replaced by "***".
std::string scrub_secret(std::string message, const WarehouseUri& uri);

}  // namespace tributary::warehouse
