// AWS credentials and the standard provider chain, in the SDKs' order:
//   1. explicit (StoreConfig::access_key_id / secret_access_key / session_token)
//   2. environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
//   3. shared credentials file: AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials, section
//      [<profile>] (AWS_PROFILE, default "default")
//   4. container endpoint (ECS/EKS): AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on 169.254.170.2) or
//      AWS_CONTAINER_CREDENTIALS_FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)
//   5. EC2 instance metadata, IMDSv2 only (session token first); AWS_EC2_METADATA_DISABLED=true
//      skips it, AWS_EC2_METADATA_SERVICE_ENDPOINT moves it.
//
// Invariants: temporary credentials are refreshed before they expire (kRefreshMargin ahead), and
// a secret never appears in an exception message or a returned diagnostic.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "store/store_config.h"

namespace tributary::store {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;  // secret
  std::string session_token;      // secret; empty for long-term keys
  // When temporary credentials stop working; nullopt for long-term keys.
  std::optional<std::chrono::system_clock::time_point> expiration;
  std::string source;  // which provider gave them ("environment", "imds", ...), for messages
};

class HttpClient;

// Resolves credentials through the chain on first use and again whenever the cached ones are
// within kRefreshMargin of expiring (or were invalidated). Thread-safe.
class AwsCredentialChain {
 public:
  static constexpr std::chrono::minutes kRefreshMargin{5};

  AwsCredentialChain(const StoreConfig& config, EnvLookup env);
  ~AwsCredentialChain();

  // Current credentials; throws StoreError{kAccessDenied} listing the sources tried when none
  // gives any, or naming the source that is configured but failing.
  AwsCredentials get();

  // Forgets the cached credentials (after the server said they expired).
  void invalidate();

 private:
  std::optional<AwsCredentials> from_environment() const;
  std::optional<AwsCredentials> from_profile_file() const;
  std::optional<AwsCredentials> from_container() const;
  std::optional<AwsCredentials> from_imds() const;
  AwsCredentials resolve() const;

  StoreConfig config_;
  EnvLookup env_;
  std::unique_ptr<HttpClient> metadata_http_;  // short timeouts: the endpoints are local
  std::mutex mu_;
  std::optional<AwsCredentials> cached_;
};

// Parses "2024-06-17T19:00:00Z" (ISO 8601, UTC, optional fractional seconds).
std::optional<std::chrono::system_clock::time_point> parse_iso8601_utc(std::string_view s);

}  // namespace tributary::store
