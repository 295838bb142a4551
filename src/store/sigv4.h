// AWS Signature Version 4 for S3 requests (header-based authorization, signed payload hash).
// Reference: "Authenticating Requests: Using the Authorization Header (AWS Signature Version 4)".
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary::store {

struct AwsCredentials;

// Percent-encodes every byte except A-Z a-z 0-9 - . _ ~ (and '/' when `keep_slash`), as SigV4's
// canonical URI and query string require. Spaces become %20, '+' becomes %2B.
std::string aws_uri_encode(std::string_view s, bool keep_slash);

struct SignableRequest {
  std::string method;
  std::string canonical_uri;  // already encoded with aws_uri_encode(path, true)
  std::vector<std::pair<std::string, std::string>> query;    // raw names and values
  std::vector<std::pair<std::string, std::string>> headers;  // every header to sign; must
                                                             // include host and x-amz-date
  std::string payload_sha256_hex;                            // also sent as x-amz-content-sha256
};

// The canonical query string: encoded names and values, sorted by name then value.
std::string canonical_query_string(const std::vector<std::pair<std::string, std::string>>& query);

// The current UTC time as a request's x-amz-date: YYYYMMDDTHHMMSSZ.
std::string amz_date_now();

// The value of the Authorization header. `amz_date` is the request's x-amz-date
// (YYYYMMDDTHHMMSSZ). The secret only feeds the HMAC chain; it is in no returned string.
std::string sigv4_authorization(const SignableRequest& request, const AwsCredentials& credentials,
                                std::string_view region, std::string_view service,
                                std::string_view amz_date);

}  // namespace tributary::store
