// Parsing of S3 event notifications: the JSON that Amazon S3 sends to SQS and MinIO POSTs to a
// webhook when an object is created. tributary treats them as hints (an object to look at now);
// the listing poller remains what guarantees that nothing is missed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::ingest {

struct ObjectHint {
  std::string bucket;
  std::string key;  // decoded (S3 URL-encodes keys in notifications, with '+' for space)
  std::string etag;
  std::uint64_t size = 0;
  std::string event_name;  // e.g. "ObjectCreated:Put" (MinIO prefixes "s3:")
};

// Returns the ObjectCreated records of `json`. Other records (deletes) and S3's "s3:TestEvent"
// yield nothing. Throws std::invalid_argument naming what is wrong when `json` is not an S3 event
// notification.
std::vector<ObjectHint> parse_s3_event(std::string_view json);

// The key, in the store at `source_uri`, of the object a notification names. Notifications name
// objects by bucket and full key; a store opened on s3://bucket/prefix sees keys under "prefix/".
// nullopt when the object is in another bucket or outside the prefix. A file:// source has no
// bucket: the key is taken as it is.
std::optional<std::string> source_key_of(const ObjectHint& hint, std::string_view source_uri);

// Decodes application/x-www-form-urlencoded text ("%2F" -> "/", "+" -> " "). Throws
// std::invalid_argument on a malformed escape.
std::string url_decode_form(std::string_view text);

}  // namespace tributary::ingest
