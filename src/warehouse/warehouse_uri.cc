#include "warehouse/warehouse_uri.h"

#include <stdexcept>

#include "util/hex.h"

namespace tributary::warehouse {
namespace {

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = util::hex_digit(s[i + 1]);
      const int lo = util::hex_digit(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

void replace_all(std::string& s, std::string_view what, std::string_view with) {
  if (what.empty()) return;
  for (std::size_t pos = s.find(what); pos != std::string::npos;
       pos = s.find(what, pos + with.size())) {
    s.replace(pos, what.size(), with);
  }
}

}  // namespace

WarehouseUri parse_warehouse_uri(std::string_view uri) {
  constexpr std::string_view kSqlite = "sqlite://";
  if (uri.starts_with(kSqlite)) {
    const std::string_view path = uri.substr(kSqlite.size());
    if (!path.starts_with('/')) {
      throw std::invalid_argument(
          "warehouse URI sqlite:// needs an absolute path: sqlite:///dir/file.db");
    }
    if (path.size() == 1 || path.ends_with('/')) {
      throw std::invalid_argument("warehouse URI sqlite:// names a directory, not a database file");
    }
    return WarehouseUri{Dialect::kSqlite, std::string(path), std::string(uri), "", ""};
  }
  std::string_view rest;
  for (std::string_view scheme : {"postgresql://", "postgres://"}) {
    if (uri.starts_with(scheme)) rest = uri.substr(scheme.size());
  }
  if (rest.data() == nullptr) {
    throw std::invalid_argument(
        "unknown warehouse URI scheme (expected sqlite:///path.db or postgresql://...)");
  }
  WarehouseUri out{Dialect::kPostgres, std::string(uri), std::string(uri), "", ""};
  // userinfo ends at the last '@' before the path; the password follows its first ':'.
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?"));
  const std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    if (colon != std::string_view::npos) {
      out.password_raw = std::string(userinfo.substr(colon + 1));
      out.password = percent_decode(out.password_raw);
      const std::size_t offset = static_cast<std::size_t>(userinfo.data() - uri.data()) + colon + 1;
      out.redacted = std::string(uri.substr(0, offset)) + "***" +
                     std::string(uri.substr(offset + out.password_raw.size()));
    }
  }
  return out;
}

std::string scrub_secret(std::string message, const WarehouseUri& uri) {
  replace_all(message, uri.password_raw, "***");
  replace_all(message, uri.password, "***");
  return message;
}

}  // namespace tributary::warehouse
