// S3Store: s3://bucket/prefix on AWS S3 or any S3-compatible server (MinIO, s3rver), on libcurl.
//
// Invariants beyond ObjectStore's:
//  - Every request is signed with SigV4 over the payload's SHA-256 (x-amz-content-sha256), and
//    uploads also carry Content-MD5, so the server rejects a body damaged in transit.
//  - A response is returned only whole and verified: a body shorter than Content-Length, a range
//    that is not the one asked for, or an MD5 ETag (single-part, not SSE-KMS/SSE-C) that does not
//    match the bytes received is an integrity error and is retried.
//  - Throttling (SlowDown, 503, 429), 5xx, network errors, timeouts and integrity errors are
//    retried up to max_attempts in total, waiting a random time in [0, min(max_backoff,
//    base_backoff * 2^retry)) ("full jitter"), and at least Retry-After (up to 60 s) when the
//    server sends one.
//    When attempts run out the last error is thrown, saying how many attempts were made.
//  - Bodies of at least multipart_threshold bytes are uploaded in parts; a failed upload is
//    aborted so no parts linger, and no object appears until CompleteMultipartUpload succeeds.
//  - A retried put whose earlier attempt did land (the response was lost) is recognised by the
//    object's ETag and reported as a success, so puts stay idempotent under if_none_match.
//  - Credentials and signatures appear in no message; errors name the URI, operation, key, S3
//    error code, HTTP status and request id.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "store/credentials.h"
#include "store/http_client.h"
#include "store/object_store.h"
#include "store/store_config.h"

namespace tributary::store {

class S3Store final : public ObjectStore {
 public:
  // `config` must come from resolve_store_config(). `prefix` is "" or ends with '/'.
  S3Store(std::string bucket, std::string prefix, StoreConfig config,
          EnvLookup env = process_env());
  ~S3Store() override;

  ListPage list(std::string_view prefix, std::string_view start_after = {},
                std::size_t max_keys = 1000) override;
  GetResult get(std::string_view key) override;
  GetResult get_range(std::string_view key, std::uint64_t offset, std::uint64_t length) override;
  std::optional<ObjectInfo> head(std::string_view key) override;
  ObjectInfo put(std::string_view key, std::string_view body,
                 const PutOptions& options = {}) override;
  void remove(std::string_view key) override;
  std::string uri() const override;

  // Requests sent (attempts, not calls) and new connections opened, for the benchmark.
  HttpStats http_stats() const { return http_->stats(); }
  std::uint64_t retries() const { return retries_.load(); }

 private:
  struct Request;
  HttpResponse execute(const Request& request);
  std::string full_key(std::string_view key) const;  // validates the key
  ObjectInfo put_single(std::string_view key, std::string_view body, const PutOptions& options);
  ObjectInfo put_multipart(std::string_view key, std::string_view body, const PutOptions& options);
  [[noreturn]] void throw_error(StoreErrorCode code, const std::string& op, std::string_view key,
                                const std::string& detail, const std::string& request_id) const;

  std::string bucket_;
  std::string prefix_;
  StoreConfig config_;
  std::string scheme_;     // "http" or "https"
  std::string authority_;  // host[:port] requests go to (bucket. prepended when virtual-hosted)
  std::string base_path_;  // "/bucket" (path-style) or "" (virtual-hosted)
  std::unique_ptr<AwsCredentialChain> credentials_;
  std::unique_ptr<HttpClient> http_;
  std::atomic<std::uint64_t> retries_{0};
};

// Parses s3://bucket[/prefix] and builds the store; `config` must be resolved. Throws
// StoreError{kInvalidArgument} for a bad bucket name, endpoint or URI.
std::unique_ptr<S3Store> open_s3_store(std::string_view uri, const StoreConfig& config,
                                       EnvLookup env = process_env());

}  // namespace tributary::store
