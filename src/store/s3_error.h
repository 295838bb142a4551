// S3 error responses: the XML body (<Error><Code>...) parsed and mapped to StoreErrorCode, and
// which of them are worth another attempt.
#pragma once

#include <string>
#include <string_view>

#include "store/object_store.h"

namespace tributary::store {

struct S3ErrorInfo {
  std::string code;        // S3's code ("NoSuchKey"), or "HTTP <status>" without an XML body
  std::string message;     // S3's message, possibly empty
  std::string request_id;  // from the body, else from the x-amz-request-id header
};

// Parses an S3 error body. A body that is not S3 error XML (a proxy's HTML page, nothing at all
// for HEAD) gives code "HTTP <status>".
S3ErrorInfo parse_s3_error(long status, std::string_view body, std::string_view header_request_id);

// The StoreErrorCode for an S3 error code and HTTP status.
StoreErrorCode classify_s3_error(long status, std::string_view code);

// True for the errors the retry policy retries: throttling, 5xx, timeouts, corrupted transfers.
bool is_retryable(StoreErrorCode code);

}  // namespace tributary::store
