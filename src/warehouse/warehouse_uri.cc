#include "warehouse/warehouse_uri.h"

#include <filesystem>
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
    // The path after the scheme's "//" is absolute: "/./x.db" is the root's x.db, not the working
    // directory's (which is what anyone writing it means).
    if (path.starts_with("/./") || path.starts_with("/../")) {
      throw std::invalid_argument(
          "warehouse URI sqlite:///./ or sqlite:///../ names a file at the filesystem root, not "
          "in the working directory: write the absolute path, sqlite:///dir/file.db");
    }
    if (path.size() == 1 || path.ends_with('/')) {
      throw std::invalid_argument("warehouse URI sqlite:// names a directory, not a database file");
    }
    return WarehouseUri{Dialect::kSqlite, std::string(path), std::string(uri), "", "", {}};
  }
  std::string_view rest;
  for (std::string_view scheme : {"postgresql://", "postgres://"}) {
    if (uri.starts_with(scheme)) rest = uri.substr(scheme.size());
  }
  if (rest.data() == nullptr) {
    throw std::invalid_argument(
        "unknown warehouse URI scheme (expected sqlite:///path.db or postgresql://...)");
  }
  WarehouseUri out{Dialect::kPostgres, std::string(uri), std::string(uri), "", "", {}};
  // Where each secret was written in `uri`, for `redacted`: (offset, length), in order.
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  const auto offset_of = [&](std::string_view part) {
    return static_cast<std::size_t>(part.data() - uri.data());
  };
  const auto add_secret = [&](std::string_view raw) {
    if (raw.empty()) return;
    spans.emplace_back(offset_of(raw), raw.size());
    out.secrets.emplace_back(raw);
    out.secrets.push_back(percent_decode(raw));
  };
  // libpq's split: user info runs to the first '@' before the first '/'; the password follows
  // its first ':'.
  const std::size_t end_of_userinfo = rest.find_first_of("@/");
  std::string_view after_userinfo = rest;
  if (end_of_userinfo != std::string_view::npos && rest[end_of_userinfo] == '@') {
    const std::string_view userinfo = rest.substr(0, end_of_userinfo);
    after_userinfo = rest.substr(end_of_userinfo + 1);
    const std::size_t colon = userinfo.find(':');
    if (colon != std::string_view::npos) {
      out.password_raw = std::string(userinfo.substr(colon + 1));
      out.password = percent_decode(out.password_raw);
      add_secret(userinfo.substr(colon + 1));
    }
  }
  // An '@' left before the query means a password with an unencoded '@' or '/': libpq would
  // take part of it for the host or the database name and echo it in its errors.
  const std::size_t query = after_userinfo.find('?');
  if (after_userinfo.substr(0, query).find('@') != std::string_view::npos) {
    throw std::invalid_argument(
        "warehouse URI: '@' after the user info; percent-encode '@' (%40) and '/' (%2F) in the "
        "user name and password");
  }
  // A password can also be a query parameter: ?password=... (libpq decodes keys and values).
  if (query != std::string_view::npos) {
    std::string_view params = after_userinfo.substr(query + 1);
    while (!params.empty()) {
      const std::size_t amp = params.find('&');
      const std::string_view param = params.substr(0, amp);
      const std::size_t eq = param.find('=');
      if (eq != std::string_view::npos && percent_decode(param.substr(0, eq)) == "password") {
        add_secret(param.substr(eq + 1));
      }
      params = amp == std::string_view::npos ? std::string_view{} : params.substr(amp + 1);
    }
  }
  out.redacted.clear();
  std::size_t copied = 0;
  for (const auto& [at, length] : spans) {
    out.redacted += std::string(uri.substr(copied, at - copied)) + "***";
    copied = at + length;
  }
  out.redacted += std::string(uri.substr(copied));
  return out;
}

std::string sqlite_uri_in_working_directory(std::string_view file) {
  return "sqlite://" + (std::filesystem::current_path() / file).string();
}

std::string scrub_secret(std::string message, const WarehouseUri& uri) {
  for (const std::string& secret : uri.secrets) replace_all(message, secret, "***");
  return message;
}

}  // namespace tributary::warehouse
