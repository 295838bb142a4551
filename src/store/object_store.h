// ObjectStore: the one interface tributary uses for buckets, both the raw bucket it reads and the
// lake it writes. Implementations: FileStore (file:///abs/dir, the embedded default) and S3Store
// (s3://bucket/prefix, AWS S3 and MinIO).
//
// Invariants every implementation keeps (tests/store/ runs one conformance suite against all):
//  - Keys are relative to the store's root (the directory, or the URI's prefix) and are arbitrary
//    UTF-8 strings without a leading '/'.
//  - list() returns keys in ascending byte-wise (UTF-8) order, as S3 does, strictly after
//    `start_after`; a page holds at most `max_keys` entries and `truncated` says more follow.
//  - put() is atomic: a reader sees the old object or the whole new one, never a part.
//  - get() returns the exact bytes or throws; a short or corrupted transfer is never a success.
//  - remove() of a missing key succeeds (deletes are idempotent).
//  - Errors are StoreError with a code; messages never contain credentials.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::store {

struct ObjectInfo {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;                   // without quotes; a content hash for FileStore
  std::int64_t last_modified_ms = 0;  // epoch milliseconds, UTC
};

struct ListPage {
  std::vector<ObjectInfo> objects;
  bool truncated = false;  // more keys follow the last one in `objects`
};

struct GetResult {
  std::string body;
  ObjectInfo info;  // of the whole object (size is the object's, not the range's)
};

struct PutOptions {
  // Fail with StoreErrorCode::kPreconditionFailed if the key exists (S3 If-None-Match: *).
  bool if_none_match = false;
  std::string content_type = "application/octet-stream";
};

enum class StoreErrorCode {
  kNotFound,            // NoSuchKey
  kNoSuchBucket,        // the bucket or root directory does not exist
  kAccessDenied,        // AccessDenied, InvalidAccessKeyId, SignatureDoesNotMatch, EACCES
  kPreconditionFailed,  // if_none_match and the key exists
  kThrottled,           // SlowDown, 503, 429: retried before it surfaces
  kNetwork,             // connection failures and timeouts: retried before it surfaces
  kIntegrity,           // short body, checksum or ETag mismatch: retried before it surfaces
  kInvalidArgument,     // bad key, bad URI, bad range
  kServer,              // other 5xx
  kOther,
};

class StoreError : public std::runtime_error {
 public:
  StoreError(StoreErrorCode code, const std::string& message, std::string request_id = {})
      : std::runtime_error(message), code_(code), request_id_(std::move(request_id)) {}

  StoreErrorCode code() const { return code_; }
  const std::string& request_id() const { return request_id_; }

 private:
  StoreErrorCode code_;
  std::string request_id_;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // One page of keys beginning with `prefix`, strictly after `start_after` (empty: from the start).
  virtual ListPage list(std::string_view prefix, std::string_view start_after = {},
                        std::size_t max_keys = 1000) = 0;

  // The whole object. Throws StoreError{kNotFound} when it does not exist.
  virtual GetResult get(std::string_view key) = 0;

  // Bytes [offset, offset + length) of the object (fewer at its end).
  virtual GetResult get_range(std::string_view key, std::uint64_t offset, std::uint64_t length) = 0;

  // Metadata, or nullopt when the object does not exist.
  virtual std::optional<ObjectInfo> head(std::string_view key) = 0;

  // Writes the whole object atomically (multipart upload above the configured threshold on S3).
  virtual ObjectInfo put(std::string_view key, std::string_view body,
                         const PutOptions& options = {}) = 0;

  // Deletes the object; a missing object is not an error.
  virtual void remove(std::string_view key) = 0;

  // The store's URI, never with credentials: "file:///data/lake", "s3://bucket/prefix".
  virtual std::string uri() const = 0;
};

}  // namespace tributary::store
