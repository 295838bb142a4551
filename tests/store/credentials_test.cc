// The AWS credential chain. The ECS container endpoint and EC2's IMDSv2 cannot run here, so small
// cpp-httplib servers on 127.0.0.1 stand in for them, speaking the same documented protocol
// (IMDSv2: PUT /latest/api/token, then GETs carrying X-aws-ec2-metadata-token).
#include "store/credentials.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <fstream>
#include <map>

#include "local_server.h"
#include "store/object_store.h"
#include "temp_dir.h"

namespace tributary::store {
namespace {

using namespace std::chrono_literals;

EnvLookup env_of(std::map<std::string, std::string> vars) {
  // AWS_EC2_METADATA_DISABLED keeps a test from reaching a real 169.254.169.254 unless it sets
  // its own endpoint.
  vars.emplace("AWS_EC2_METADATA_DISABLED", "true");
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string iso8601(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

TEST(Credentials, ExplicitConfigComesFirst) {
  StoreConfig c;
  c.access_key_id = "AKIDCONFIG";
  c.secret_access_key = "config-secret";
  AwsCredentialChain chain(
      c, env_of({{"AWS_ACCESS_KEY_ID", "AKIDENV"}, {"AWS_SECRET_ACCESS_KEY", "env-secret"}}));
  EXPECT_EQ(chain.get().access_key_id, "AKIDCONFIG");
}

TEST(Credentials, EnvironmentBeforeTheSharedFile) {
  AwsCredentialChain chain({}, env_of({{"AWS_ACCESS_KEY_ID", "AKIDENV"},
                                       {"AWS_SECRET_ACCESS_KEY", "env-secret"},
                                       {"AWS_SESSION_TOKEN", "env-token"},
                                       {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"}}));
  const AwsCredentials c = chain.get();
  EXPECT_EQ(c.access_key_id, "AKIDENV");
  EXPECT_EQ(c.session_token, "env-token");
  EXPECT_EQ(c.source, "environment");
}

TEST(Credentials, HalfAnEnvironmentPairIsAnError) {
  AwsCredentialChain chain({}, env_of({{"AWS_ACCESS_KEY_ID", "AKIDENV"}}));
  try {
    chain.get();
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_EQ(e.code(), StoreErrorCode::kAccessDenied);
    EXPECT_NE(std::string(e.what()).find("only one of AWS_ACCESS_KEY_ID"), std::string::npos);
  }
}

TEST(Credentials, SharedCredentialsFileAndProfile) {
  testing::TempDir dir;
  const auto file = dir.path() / "credentials";
  std::ofstream(file) << "[default]\naws_access_key_id = AKIDDEFAULT\n"
                         "aws_secret_access_key = default-secret\n\n"
                         "# the lake's profile\n[lake]\naws_access_key_id=AKIDLAKE\n"
                         "aws_secret_access_key=lake-secret\naws_session_token = lake-token\n";
  AwsCredentialChain by_default({}, env_of({{"AWS_SHARED_CREDENTIALS_FILE", file.string()}}));
  EXPECT_EQ(by_default.get().access_key_id, "AKIDDEFAULT");
  StoreConfig lake;
  lake.profile = "lake";
  AwsCredentialChain by_profile(lake, env_of({{"AWS_SHARED_CREDENTIALS_FILE", file.string()}}));
  const AwsCredentials c = by_profile.get();
  EXPECT_EQ(c.access_key_id, "AKIDLAKE");
  EXPECT_EQ(c.secret_access_key, "lake-secret");
  EXPECT_EQ(c.session_token, "lake-token");
}

TEST(Credentials, ContainerEndpointWithAuthorizationToken) {
  testing::LocalServer ecs;  // stands in for the ECS/EKS container credentials agent
  std::atomic<int> calls{0};
  ecs.server().Get("/creds", [&](const httplib::Request& req, httplib::Response& res) {
    ++calls;
    if (req.get_header_value("Authorization") != "container-auth-token") {
      res.status = 401;
      return;
    }
    res.set_content(
        R"({"AccessKeyId":"AKIDECS","SecretAccessKey":"ecs-secret","Token":"ecs-token",)"
        R"("Expiration":")" +
            iso8601(std::chrono::system_clock::now() + 1h) + R"("})",
        "application/json");
  });
  AwsCredentialChain chain({},
                           env_of({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs.url() + "/creds"},
                                   {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-auth-token"}}));
  const AwsCredentials c = chain.get();
  EXPECT_EQ(c.access_key_id, "AKIDECS");
  EXPECT_EQ(c.session_token, "ecs-token");
  ASSERT_TRUE(c.expiration.has_value());
  chain.get();
  EXPECT_EQ(calls.load(), 1) << "credentials an hour from expiry must be cached";
}

TEST(Credentials, ContainerFullUriMustNotLeaveTheHostInClearText) {
  AwsCredentialChain chain(
      {}, env_of({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://198.51.100.7/creds"}}));
  try {
    chain.get();
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("must be https"), std::string::npos) << e.what();
  }
}

TEST(Credentials, Imdsv2AndRefreshBeforeExpiry) {
  testing::LocalServer imds;  // stands in for EC2's instance metadata service (IMDSv2)
  std::atomic<int> token_calls{0}, cred_calls{0};
  imds.server().Put("/latest/api/token", [&](const httplib::Request& req, httplib::Response& res) {
    ++token_calls;
    if (req.get_header_value("X-aws-ec2-metadata-token-ttl-seconds").empty()) {
      res.status = 400;
      return;
    }
    res.set_content("imds-session", "text/plain");
  });
  auto authorised = [](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("X-aws-ec2-metadata-token") != "imds-session") {
      res.status = 401;  // IMDSv1-style requests are refused, as on an IMDSv2-only instance
      return false;
    }
    return true;
  };
  imds.server().Get("/latest/meta-data/iam/security-credentials/",
                    [&](const httplib::Request& req, httplib::Response& res) {
                      if (authorised(req, res)) res.set_content("lake-role\n", "text/plain");
                    });
  imds.server().Get("/latest/meta-data/iam/security-credentials/lake-role",
                    [&](const httplib::Request& req, httplib::Response& res) {
                      if (!authorised(req, res)) return;
                      const int n = ++cred_calls;
                      // The first credentials expire within the refresh margin; the second ones do
                      // not.
                      const auto expiry = std::chrono::system_clock::now() + (n == 1 ? 2min : 6h);
                      res.set_content(
                          R"({"Code":"Success","AccessKeyId":"AKIDIMDS)" + std::to_string(n) +
                              R"(","SecretAccessKey":"imds-secret","Token":"imds-token",)"
                              R"("Expiration":")" +
                              iso8601(expiry) + R"("})",
                          "application/json");
                    });
  std::map<std::string, std::string> vars{{"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url()}};
  EnvLookup env = [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  AwsCredentialChain chain({}, env);
  EXPECT_EQ(chain.get().access_key_id, "AKIDIMDS1");
  // Two minutes from expiry is inside the five-minute margin: the next get() refreshes.
  EXPECT_EQ(chain.get().access_key_id, "AKIDIMDS2");
  EXPECT_EQ(chain.get().access_key_id, "AKIDIMDS2");
  EXPECT_EQ(cred_calls.load(), 2);
  EXPECT_EQ(token_calls.load(), 2);
}

TEST(Credentials, NothingFoundListsWhatWasTried) {
  AwsCredentialChain chain({}, env_of({{"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"}}));
  try {
    chain.get();
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_EQ(e.code(), StoreErrorCode::kAccessDenied);
    const std::string what = e.what();
    EXPECT_NE(what.find("AWS_ACCESS_KEY_ID"), std::string::npos);
    EXPECT_NE(what.find("container credentials endpoint"), std::string::npos);
    EXPECT_NE(what.find("IMDSv2"), std::string::npos);
  }
}

TEST(Credentials, Iso8601Parsing) {
  const auto t = parse_iso8601_utc("2024-06-17T19:00:00Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*t), 1718650800);
  EXPECT_TRUE(parse_iso8601_utc("2024-06-17T19:00:00.123Z").has_value());
  EXPECT_FALSE(parse_iso8601_utc("yesterday").has_value());
  EXPECT_FALSE(parse_iso8601_utc("2024-06-17T19:00:00+02:00").has_value());
}

}  // namespace
}  // namespace tributary::store
