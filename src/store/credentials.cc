#include "store/credentials.h"

#include <simdjson.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>

#include "store/http_client.h"
#include "store/object_store.h"

namespace tributary::store {

namespace {

[[noreturn]] void fail(const std::string& message) {
  throw StoreError(StoreErrorCode::kAccessDenied, "AWS credentials: " + message);
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

std::optional<std::string> non_empty(const EnvLookup& env, std::string_view name) {
  auto v = env(name);
  if (v && v->empty()) return std::nullopt;
  return v;
}

// The JSON both the container endpoint and IMDS return. `source` names it in errors.
AwsCredentials parse_credentials_json(const std::string& body, const std::string& source) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
    fail(source + " returned a response that is not a JSON object");
  }
  auto field = [&](const char* name, bool required) -> std::string {
    std::string_view v;
    if (doc[name].get_string().get(v) != simdjson::SUCCESS) {
      if (required) fail(source + " returned no " + name);
      return {};
    }
    return std::string(v);
  };
  if (const std::string code = field("Code", false); !code.empty() && code != "Success") {
    fail(source + " returned Code " + code);
  }
  AwsCredentials c;
  c.access_key_id = field("AccessKeyId", true);
  c.secret_access_key = field("SecretAccessKey", true);
  c.session_token = field("Token", false);
  c.source = source;
  if (const std::string exp = field("Expiration", false); !exp.empty()) {
    c.expiration = parse_iso8601_utc(exp);
    if (!c.expiration) fail(source + " returned an unreadable Expiration '" + exp + "'");
  }
  return c;
}

std::string host_of(std::string_view url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (!rest.empty() && rest.front() == '[') return std::string(rest.substr(0, rest.find(']') + 1));
  return std::string(rest.substr(0, rest.find(':')));
}

// The SDKs accept plain-HTTP full URIs only on loopback and the ECS/EKS link-local agents, so a
// misconfigured variable cannot send the authorization token elsewhere in clear text.
bool allowed_container_uri(std::string_view url) {
  if (url.substr(0, 8) == "https://") return true;
  if (url.substr(0, 7) != "http://") return false;
  const std::string host = host_of(url);
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "[::1]" ||
         host == "169.254.170.2" || host == "169.254.170.23" || host == "[fd00:ec2::23]";
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_iso8601_utc(std::string_view s) {
  std::tm tm{};
  int consumed = 0;
  const std::string str(s);
  if (std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6) {
    return std::nullopt;
  }
  std::string_view rest = s.substr(static_cast<std::size_t>(consumed));
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') rest.remove_prefix(1);
  }
  if (rest != "Z" && rest != "+00:00") return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const std::time_t t = timegm(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return std::chrono::system_clock::from_time_t(t);
}

AwsCredentialChain::AwsCredentialChain(const StoreConfig& config, EnvLookup env)
    : config_(config), env_(std::move(env)) {
  HttpOptions http;
  http.connect_timeout = std::chrono::seconds(1);
  http.request_timeout = std::chrono::seconds(3);
  metadata_http_ = std::make_unique<HttpClient>(http);
}

AwsCredentialChain::~AwsCredentialChain() = default;

AwsCredentials AwsCredentialChain::get() {
  std::lock_guard lock(mu_);
  const auto now = std::chrono::system_clock::now();
  if (!cached_ || (cached_->expiration && *cached_->expiration - kRefreshMargin <= now)) {
    cached_ = resolve();
  }
  return *cached_;
}

void AwsCredentialChain::invalidate() {
  std::lock_guard lock(mu_);
  cached_.reset();
}

AwsCredentials AwsCredentialChain::resolve() const {
  if (!config_.access_key_id.empty()) {
    if (config_.secret_access_key.empty()) fail("an access key id is configured without a secret");
    return {config_.access_key_id, config_.secret_access_key, config_.session_token, std::nullopt,
            "config"};
  }
  if (auto c = from_environment()) return *c;
  if (auto c = from_profile_file()) return *c;
  if (auto c = from_container()) return *c;
  if (auto c = from_imds()) return *c;
  fail(
      "none found; tried the configuration, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, the shared "
      "credentials file (profile '" +
      config_.profile +
      "'), the container credentials endpoint and EC2 instance metadata (IMDSv2)");
}

std::optional<AwsCredentials> AwsCredentialChain::from_environment() const {
  auto id = non_empty(env_, "AWS_ACCESS_KEY_ID");
  auto secret = non_empty(env_, "AWS_SECRET_ACCESS_KEY");
  if (!id && !secret) return std::nullopt;
  if (!id || !secret) {
    fail("only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set");
  }
  return AwsCredentials{*id, *secret, non_empty(env_, "AWS_SESSION_TOKEN").value_or(""),
                        std::nullopt, "environment"};
}

std::optional<AwsCredentials> AwsCredentialChain::from_profile_file() const {
  std::string path;
  if (auto p = non_empty(env_, "AWS_SHARED_CREDENTIALS_FILE")) {
    path = *p;
  } else if (auto home = non_empty(env_, "HOME")) {
    path = *home + "/.aws/credentials";
  } else {
    return std::nullopt;
  }
  std::ifstream in(path);
  if (!in) return std::nullopt;
  const std::string& profile = config_.profile.empty() ? std::string("default") : config_.profile;
  AwsCredentials c;
  c.source = "shared credentials file " + path + " [" + profile + "]";
  bool in_section = false;
  bool found_section = false;
  std::string line;
  while (std::getline(in, line)) {
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[') {
      in_section = t == "[" + profile + "]";
      found_section = found_section || in_section;
      continue;
    }
    if (!in_section) continue;
    const std::size_t eq = t.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = trim(std::string_view(t).substr(0, eq));
    const std::string value = trim(std::string_view(t).substr(eq + 1));
    if (key == "aws_access_key_id") c.access_key_id = value;
    if (key == "aws_secret_access_key") c.secret_access_key = value;
    if (key == "aws_session_token") c.session_token = value;
  }
  if (!found_section) return std::nullopt;
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    fail(c.source + " lacks aws_access_key_id or aws_secret_access_key");
  }
  return c;
}

std::optional<AwsCredentials> AwsCredentialChain::from_container() const {
  std::string url;
  if (auto rel = non_empty(env_, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    url = "http://169.254.170.2" + *rel;
  } else if (auto full = non_empty(env_, "AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    url = *full;
    if (!allowed_container_uri(url)) {
      fail(
          "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http on a loopback or the ECS/EKS "
          "agent's address");
    }
  } else {
    return std::nullopt;
  }
  HttpRequest req;
  req.url = url;
  std::string token;
  if (auto file = non_empty(env_, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
    std::ifstream in(*file);
    if (!in) fail("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + *file);
    std::stringstream ss;
    ss << in.rdbuf();
    token = trim(ss.str());
    while (!token.empty() && token.back() == '\n') token.pop_back();
  } else if (auto t = non_empty(env_, "AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
    token = *t;
  }
  if (!token.empty()) req.headers.emplace_back("Authorization", token);
  const auto outcome = metadata_http_->perform(req);
  if (!outcome.response) fail("container endpoint unreachable: " + outcome.error.message);
  if (outcome.response->status != 200) {
    fail("container endpoint answered HTTP " + std::to_string(outcome.response->status));
  }
  return parse_credentials_json(outcome.response->body, "container endpoint");
}

std::optional<AwsCredentials> AwsCredentialChain::from_imds() const {
  if (auto disabled = env_("AWS_EC2_METADATA_DISABLED"); disabled && *disabled == "true") {
    return std::nullopt;
  }
  std::string base =
      non_empty(env_, "AWS_EC2_METADATA_SERVICE_ENDPOINT").value_or("http://169.254.169.254");
  while (!base.empty() && base.back() == '/') base.pop_back();

  HttpRequest token_req;
  token_req.method = "PUT";
  token_req.url = base + "/latest/api/token";
  token_req.headers.emplace_back("X-aws-ec2-metadata-token-ttl-seconds", "21600");
  const auto token = metadata_http_->perform(token_req);
  // Off EC2 nothing answers: not an error, the chain is simply exhausted.
  if (!token.response) return std::nullopt;
  if (token.response->status != 200) {
    fail("IMDSv2 refused a session token (HTTP " + std::to_string(token.response->status) + ")");
  }
  const std::string session = trim(token.response->body);

  HttpRequest role_req;
  role_req.url = base + "/latest/meta-data/iam/security-credentials/";
  role_req.headers.emplace_back("X-aws-ec2-metadata-token", session);
  const auto role = metadata_http_->perform(role_req);
  if (!role.response || role.response->status != 200) {
    fail("IMDSv2 lists no instance role (no IAM role attached to this instance?)");
  }
  const std::string role_name =
      trim(std::string_view(role.response->body).substr(0, role.response->body.find('\n')));
  if (role_name.empty()) fail("IMDSv2 lists no instance role");

  HttpRequest cred_req;
  cred_req.url = base + "/latest/meta-data/iam/security-credentials/" + role_name;
  cred_req.headers.emplace_back("X-aws-ec2-metadata-token", session);
  const auto creds = metadata_http_->perform(cred_req);
  if (!creds.response || creds.response->status != 200) {
    fail("IMDSv2 gave no credentials for role '" + role_name + "'");
  }
  return parse_credentials_json(creds.response->body, "imds");
}

}  // namespace tributary::store
