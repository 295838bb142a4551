// StoreConfig: how to reach a store, from the config file, the command line or the environment.
// Only S3Store uses most of it; FileStore needs nothing beyond its URI.
//
// Precedence, as in the AWS SDKs: a field set explicitly wins; an unset field (empty string or
// nullopt) is filled from the environment by resolve_store_config(), then by the default below.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace tributary::store {

enum class S3Addressing {
  kPathStyle,      // https://endpoint/bucket/key (MinIO, s3rver, most custom endpoints)
  kVirtualHosted,  // https://bucket.endpoint/key (AWS's default)
};

struct StoreConfig {
  // S3 endpoint URL, e.g. "http://127.0.0.1:9000" for MinIO. Env: AWS_ENDPOINT_URL_S3, then
  // AWS_ENDPOINT_URL. Default: AWS, "https://s3.<region>.amazonaws.com".
  std::string endpoint;
  // Env: AWS_REGION, then AWS_DEFAULT_REGION. Default: "us-east-1".
  std::string region;
  // Env: TRIBUTARY_S3_ADDRESSING=path|virtual. Default: path-style for a custom endpoint,
  // virtual-hosted for AWS.
  std::optional<S3Addressing> addressing;

  // Explicit static credentials; when the access key is empty the AWS credential chain is used
  // (see credentials.h). These strings are secrets: never log or print them.
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  // Profile in the shared credentials file. Env: AWS_PROFILE. Default: "default".
  std::string profile;

  // Env: TRIBUTARY_S3_CONNECT_TIMEOUT_MS. Default 5 s.
  std::optional<std::chrono::milliseconds> connect_timeout;
  // Whole request, first byte to last, per attempt. Env: TRIBUTARY_S3_REQUEST_TIMEOUT_MS.
  // Default 60 s.
  std::optional<std::chrono::milliseconds> request_timeout;
  // Attempts per request including the first (>= 1). Env: AWS_MAX_ATTEMPTS. Default 5.
  std::optional<int> max_attempts;
  // First retry waits a random time in [0, base); each further retry doubles the cap, up to
  // max_backoff ("full jitter"). Defaults 100 ms and 20 s.
  std::optional<std::chrono::milliseconds> base_backoff;
  std::optional<std::chrono::milliseconds> max_backoff;

  // Bodies of at least this many bytes are uploaded in parts. Env:
  // TRIBUTARY_S3_MULTIPART_THRESHOLD. Default 64 MiB.
  std::optional<std::uint64_t> multipart_threshold;
  // Size of each part but the last (S3: at least 5 MiB). Env: TRIBUTARY_S3_PART_SIZE.
  // Default 16 MiB.
  std::optional<std::uint64_t> multipart_part_size;

  // Called after every S3 HTTP attempt, on the requesting thread, for metrics: `operation` is
  // the request kind (get, put, head, list, ...), `outcome` "ok", "not_found" or the error class
  // (throttled, network, integrity, server, access_denied, precondition_failed, ...), and
  // `will_retry` whether another attempt follows. Not configuration (no file or env setting):
  // the program sets it. Must be cheap and thread-safe. The FileStore never calls it.
  std::function<void(std::string_view operation, std::string_view outcome, bool will_retry)>
      on_attempt;

  // TLS certificate verification; turning it off is for test setups only. Env:
  // TRIBUTARY_S3_VERIFY_TLS=0|1. Default on.
  std::optional<bool> verify_tls;
  // PEM bundle of trusted CAs instead of the system's. Env: AWS_CA_BUNDLE.
  std::string ca_file;
};

// Reads one environment variable; nullopt when unset. Tests substitute their own.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment (std::getenv).
EnvLookup process_env();

// `config` with every unset field filled from `env`, then from the defaults above; every
// optional is engaged in the result. Throws StoreError{kInvalidArgument} naming the variable
// when an environment value is malformed (never echoing a credential).
StoreConfig resolve_store_config(StoreConfig config, const EnvLookup& env = process_env());

// The addressing requests to `bucket` use when `configured` is asked for over `scheme` ("http" or
// "https"). Virtual-hosted puts the bucket in the host name, which over TLS must match the
// endpoint's wildcard certificate (*.s3.<region>.amazonaws.com covers one DNS label): a bucket
// name with a dot cannot, so it is addressed path-style over https instead, as the AWS SDKs do.
// Anything else keeps `configured`.
S3Addressing addressing_for_bucket(S3Addressing configured, std::string_view bucket,
                                   std::string_view scheme);

// S3's lower bound on every part but the last.
inline constexpr std::uint64_t kMinPartSize = 5ULL << 20;

}  // namespace tributary::store
