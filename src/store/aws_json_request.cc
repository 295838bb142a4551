#include "store/aws_json_request.h"

#include "store/digest.h"
#include "store/sigv4.h"

namespace tributary::store {

HttpRequest aws_json_request(const AwsJsonService& service, std::string_view action,
                             const std::string& body, const AwsCredentials& credentials) {
  const std::string date = amz_date_now();
  SignableRequest signable{"POST", "/", {}, {}, to_hex(sha256(body))};
  signable.headers = {{"content-type", service.content_type},
                      {"host", service.authority},
                      {"x-amz-date", date},
                      {"x-amz-target", service.target_prefix + "." + std::string(action)}};
  if (!credentials.session_token.empty()) {
    signable.headers.emplace_back("x-amz-security-token", credentials.session_token);
  }
  HttpRequest request{"POST", service.endpoint + "/", signable.headers, body};
  request.headers.emplace_back(
      "Authorization",
      sigv4_authorization(signable, credentials, service.region, service.signing_name, date));
  return request;
}

}  // namespace tributary::store
