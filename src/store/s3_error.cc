#include "store/s3_error.h"

#include <pugixml.hpp>

namespace tributary::store {

S3ErrorInfo parse_s3_error(long status, std::string_view body, std::string_view header_request_id) {
  S3ErrorInfo info;
  info.request_id = std::string(header_request_id);
  pugi::xml_document doc;
  if (!body.empty() && doc.load_buffer(body.data(), body.size())) {
    const pugi::xml_node error = doc.child("Error");
    if (error) {
      info.code = error.child_value("Code");
      info.message = error.child_value("Message");
      if (const std::string id = error.child_value("RequestId"); !id.empty()) info.request_id = id;
    }
  }
  if (info.code.empty()) info.code = "HTTP " + std::to_string(status);
  return info;
}

StoreErrorCode classify_s3_error(long status, std::string_view code) {
  if (code == "NoSuchKey" || code == "NoSuchUpload") return StoreErrorCode::kNotFound;
  if (code == "NoSuchBucket") return StoreErrorCode::kNoSuchBucket;
  if (code == "AccessDenied" || code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" ||
      code == "InvalidToken" || code == "ExpiredToken" || code == "AccountProblem" ||
      code == "AllAccessDisabled") {
    return StoreErrorCode::kAccessDenied;
  }
  if (code == "PreconditionFailed") return StoreErrorCode::kPreconditionFailed;
  if (code == "SlowDown" || code == "TooManyRequests" || code == "RequestLimitExceeded" ||
      code == "Throttling" || status == 429 || status == 503) {
    return StoreErrorCode::kThrottled;
  }
  if (code == "BadDigest" || code == "InvalidDigest" || code == "XAmzContentSHA256Mismatch" ||
      code == "IncompleteBody") {
    return StoreErrorCode::kIntegrity;
  }
  if (code == "RequestTimeout") return StoreErrorCode::kNetwork;
  if (code == "ConditionalRequestConflict" || code == "OperationAborted") {
    return StoreErrorCode::kServer;  // concurrent conflicting request: try again
  }
  if (status >= 500) return StoreErrorCode::kServer;
  if (status == 404) return StoreErrorCode::kNotFound;
  if (status == 403) return StoreErrorCode::kAccessDenied;
  if (status == 412) return StoreErrorCode::kPreconditionFailed;
  if (status == 400 || status == 416 || status == 411 || status == 413) {
    return StoreErrorCode::kInvalidArgument;
  }
  return StoreErrorCode::kOther;
}

bool is_retryable(StoreErrorCode code) {
  return code == StoreErrorCode::kThrottled || code == StoreErrorCode::kNetwork ||
         code == StoreErrorCode::kIntegrity || code == StoreErrorCode::kServer;
}

}  // namespace tributary::store
