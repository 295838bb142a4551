#include "store/open_store.h"

#include <string>

#include "store/file_store.h"
#include "store/s3_store.h"
#include "util/hex.h"
#include "util/log.h"

namespace tributary::store {

namespace {

// A refused URI may carry credentials nobody registered as secrets: its user info is not echoed.
[[noreturn]] void bad_uri(std::string_view uri, const std::string& why) {
  throw StoreError(StoreErrorCode::kInvalidArgument,
                   "invalid store URI '" + util::redact_userinfo(uri) + "': " + why);
}

std::string percent_decode(std::string_view uri, std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    const int hi = i + 2 < s.size() ? util::hex_digit(s[i + 1]) : -1;
    const int lo = i + 2 < s.size() ? util::hex_digit(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) bad_uri(uri, "'%' must be followed by two hex digits");
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  if (out.find('\0') != std::string::npos) bad_uri(uri, "the path contains a NUL byte");
  return out;
}

}  // namespace

std::string file_store_uri(const std::filesystem::path& dir) {
  std::string uri = "file://";
  for (const char c : dir.string()) {
    if (c == '%' || c == '?' || c == '#') {
      uri += '%';
      util::append_hex_byte(uri, static_cast<unsigned char>(c), util::HexCase::kUpper);
    } else {
      uri += c;
    }
  }
  return uri;
}

std::unique_ptr<ObjectStore> open_store(std::string_view uri, const StoreConfig& config) {
  constexpr std::string_view kFile = "file://";
  constexpr std::string_view kS3 = "s3://";
  if (uri.substr(0, kFile.size()) == kFile) {
    const std::string_view rest = uri.substr(kFile.size());
    if (rest.empty() || rest.front() != '/') {
      bad_uri(uri, "a file URI needs an absolute path and no host: file:///abs/dir");
    }
    if (rest.find_first_of("?#") != std::string_view::npos) {
      bad_uri(uri, "a file URI takes no query or fragment");
    }
    return std::make_unique<FileStore>(percent_decode(uri, rest));
  }
  if (uri.substr(0, kS3.size()) == kS3) {
    return open_s3_store(uri, resolve_store_config(config));
  }
  bad_uri(uri, "expected file:///abs/dir or s3://bucket/prefix");
}

}  // namespace tributary::store
