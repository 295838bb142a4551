// Requests to AWS services that speak the JSON protocol (Glue, SQS): POST / with the operation in
// X-Amz-Target and a JSON body, signed with SigV4 over that body.
#pragma once

#include <string>
#include <string_view>

#include "store/credentials.h"
#include "store/http_client.h"

namespace tributary::store {

struct AwsJsonService {
  std::string endpoint;       // scheme and authority, e.g. https://glue.eu-west-1.amazonaws.com
  std::string authority;      // host[:port] of the endpoint (the signed Host header)
  std::string region;         // e.g. eu-west-1
  std::string signing_name;   // the SigV4 service name, e.g. "glue"
  std::string content_type;   // e.g. application/x-amz-json-1.1
  std::string target_prefix;  // X-Amz-Target is <prefix>.<action>, e.g. "AWSGlue"
};

// The signed request for `action` with `body`, dated now (x-amz-date). The credentials feed only
// the signature and, for temporary ones, the x-amz-security-token header.
HttpRequest aws_json_request(const AwsJsonService& service, std::string_view action,
                             const std::string& body, const AwsCredentials& credentials);

}  // namespace tributary::store
