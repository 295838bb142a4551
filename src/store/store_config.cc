#include "store/store_config.h"

#include <charconv>
#include <cstdlib>

#include "store/object_store.h"

namespace tributary::store {

namespace {

[[noreturn]] void bad_env(std::string_view name, const std::string& why) {
  throw StoreError(StoreErrorCode::kInvalidArgument,
                   "environment variable " + std::string(name) + ": " + why);
}

std::uint64_t parse_uint(std::string_view name, const std::string& v) {
  std::uint64_t out = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || end != v.data() + v.size() || v.empty()) {
    bad_env(name, "'" + v + "' is not a non-negative integer");
  }
  return out;
}

void fill_string(std::string& field, const EnvLookup& env, std::initializer_list<const char*> names,
                 std::string_view fallback) {
  if (!field.empty()) return;
  for (const char* n : names) {
    if (auto v = env(n); v && !v->empty()) {
      field = *v;
      return;
    }
  }
  field = fallback;
}

void fill_ms(std::optional<std::chrono::milliseconds>& field, const EnvLookup& env,
             const char* name, std::chrono::milliseconds fallback) {
  if (field) return;
  if (auto v = name ? env(name) : std::nullopt; v && !v->empty()) {
    field = std::chrono::milliseconds(parse_uint(name, *v));
  } else {
    field = fallback;
  }
}

void fill_u64(std::optional<std::uint64_t>& field, const EnvLookup& env, const char* name,
              std::uint64_t fallback) {
  if (field) return;
  if (auto v = env(name); v && !v->empty()) {
    field = parse_uint(name, *v);
  } else {
    field = fallback;
  }
}

}  // namespace

EnvLookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

S3Addressing addressing_for_bucket(S3Addressing configured, std::string_view bucket,
                                   std::string_view scheme) {
  if (configured == S3Addressing::kVirtualHosted && scheme == "https" &&
      bucket.find('.') != std::string_view::npos) {
    return S3Addressing::kPathStyle;
  }
  return configured;
}

StoreConfig resolve_store_config(StoreConfig c, const EnvLookup& env) {
  fill_string(c.endpoint, env, {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}, "");
  fill_string(c.region, env, {"AWS_REGION", "AWS_DEFAULT_REGION"}, "us-east-1");
  fill_string(c.profile, env, {"AWS_PROFILE"}, "default");
  fill_string(c.ca_file, env, {"AWS_CA_BUNDLE"}, "");
  if (!c.addressing) {
    const auto v = env("TRIBUTARY_S3_ADDRESSING");
    if (v && *v == "path") {
      c.addressing = S3Addressing::kPathStyle;
    } else if (v && *v == "virtual") {
      c.addressing = S3Addressing::kVirtualHosted;
    } else if (v && !v->empty()) {
      bad_env("TRIBUTARY_S3_ADDRESSING", "'" + *v + "' is neither 'path' nor 'virtual'");
    } else {
      c.addressing = c.endpoint.empty() ? S3Addressing::kVirtualHosted : S3Addressing::kPathStyle;
    }
  }
  if (!c.verify_tls) {
    const auto v = env("TRIBUTARY_S3_VERIFY_TLS");
    if (!v || v->empty() || *v == "1") {
      c.verify_tls = true;
    } else if (*v == "0") {
      c.verify_tls = false;
    } else {
      bad_env("TRIBUTARY_S3_VERIFY_TLS", "'" + *v + "' is neither 0 nor 1");
    }
  }
  fill_ms(c.connect_timeout, env, "TRIBUTARY_S3_CONNECT_TIMEOUT_MS", std::chrono::seconds(5));
  fill_ms(c.request_timeout, env, "TRIBUTARY_S3_REQUEST_TIMEOUT_MS", std::chrono::seconds(60));
  fill_ms(c.base_backoff, env, nullptr, std::chrono::milliseconds(100));
  fill_ms(c.max_backoff, env, nullptr, std::chrono::seconds(20));
  if (!c.max_attempts) {
    std::uint64_t n = 5;
    if (auto v = env("AWS_MAX_ATTEMPTS"); v && !v->empty()) n = parse_uint("AWS_MAX_ATTEMPTS", *v);
    if (n < 1 || n > 100) bad_env("AWS_MAX_ATTEMPTS", "must be between 1 and 100");
    c.max_attempts = static_cast<int>(n);
  }
  if (*c.max_attempts < 1) {
    throw StoreError(StoreErrorCode::kInvalidArgument, "max_attempts must be at least 1");
  }
  fill_u64(c.multipart_threshold, env, "TRIBUTARY_S3_MULTIPART_THRESHOLD", 64ULL << 20);
  fill_u64(c.multipart_part_size, env, "TRIBUTARY_S3_PART_SIZE", 16ULL << 20);
  if (*c.multipart_part_size < kMinPartSize) {
    throw StoreError(StoreErrorCode::kInvalidArgument, "multipart part size " +
                                                           std::to_string(*c.multipart_part_size) +
                                                           " is below S3's minimum of 5 MiB");
  }
  return c;
}

}  // namespace tributary::store
