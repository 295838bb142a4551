#include "store/store_config.h"

#include <gtest/gtest.h>

#include <map>

#include "store/object_store.h"

namespace tributary::store {
namespace {

using namespace std::chrono_literals;

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(StoreConfig, DefaultsWithAnEmptyEnvironment) {
  const StoreConfig c = resolve_store_config({}, env_of({}));
  EXPECT_EQ(c.endpoint, "");
  EXPECT_EQ(c.region, "us-east-1");
  EXPECT_EQ(c.addressing, S3Addressing::kVirtualHosted);
  EXPECT_EQ(c.profile, "default");
  EXPECT_EQ(*c.connect_timeout, 5s);
  EXPECT_EQ(*c.request_timeout, 60s);
  EXPECT_EQ(*c.max_attempts, 5);
  EXPECT_EQ(*c.multipart_threshold, 64u << 20);
  EXPECT_EQ(*c.multipart_part_size, 16u << 20);
  EXPECT_TRUE(*c.verify_tls);
}

TEST(StoreConfig, EnvironmentFillsUnsetFields) {
  const StoreConfig c =
      resolve_store_config({}, env_of({{"AWS_ENDPOINT_URL", "http://generic:1"},
                                       {"AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000"},
                                       {"AWS_DEFAULT_REGION", "eu-west-1"},
                                       {"AWS_REGION", "eu-central-1"},
                                       {"AWS_PROFILE", "lake"},
                                       {"AWS_MAX_ATTEMPTS", "3"},
                                       {"AWS_CA_BUNDLE", "/etc/ca.pem"},
                                       {"TRIBUTARY_S3_CONNECT_TIMEOUT_MS", "250"},
                                       {"TRIBUTARY_S3_VERIFY_TLS", "0"}}));
  EXPECT_EQ(c.endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(c.region, "eu-central-1");
  EXPECT_EQ(c.addressing, S3Addressing::kPathStyle);  // a custom endpoint
  EXPECT_EQ(c.profile, "lake");
  EXPECT_EQ(*c.max_attempts, 3);
  EXPECT_EQ(c.ca_file, "/etc/ca.pem");
  EXPECT_EQ(*c.connect_timeout, 250ms);
  EXPECT_FALSE(*c.verify_tls);
}

TEST(StoreConfig, ExplicitFieldsWinOverTheEnvironment) {
  StoreConfig explicit_config;
  explicit_config.region = "ap-south-1";
  explicit_config.max_attempts = 1;
  explicit_config.addressing = S3Addressing::kVirtualHosted;
  const StoreConfig c = resolve_store_config(
      explicit_config, env_of({{"AWS_REGION", "eu-central-1"},
                               {"AWS_MAX_ATTEMPTS", "9"},
                               {"AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000"},
                               {"TRIBUTARY_S3_ADDRESSING", "path"}}));
  EXPECT_EQ(c.region, "ap-south-1");
  EXPECT_EQ(*c.max_attempts, 1);
  EXPECT_EQ(c.addressing, S3Addressing::kVirtualHosted);
}

// A bucket name with a dot cannot be a host name label under AWS's wildcard certificate: over
// TLS it is addressed path-style (every request would otherwise fail the certificate check).
TEST(StoreConfig, DottedBucketsAreAddressedPathStyleOverTls) {
  EXPECT_EQ(addressing_for_bucket(S3Addressing::kVirtualHosted, "logs.example.com", "https"),
            S3Addressing::kPathStyle);
  EXPECT_EQ(addressing_for_bucket(S3Addressing::kVirtualHosted, "de-streaming-test", "https"),
            S3Addressing::kVirtualHosted);
  EXPECT_EQ(addressing_for_bucket(S3Addressing::kVirtualHosted, "logs.example.com", "http"),
            S3Addressing::kVirtualHosted);
  EXPECT_EQ(addressing_for_bucket(S3Addressing::kPathStyle, "de-streaming-test", "https"),
            S3Addressing::kPathStyle);
}

TEST(StoreConfig, MalformedEnvironmentValuesNameTheVariable) {
  const std::pair<const char*, const char*> cases[] = {
      {"AWS_MAX_ATTEMPTS", "many"},
      {"AWS_MAX_ATTEMPTS", "0"},
      {"TRIBUTARY_S3_REQUEST_TIMEOUT_MS", "-5"},
      {"TRIBUTARY_S3_ADDRESSING", "sideways"},
      {"TRIBUTARY_S3_VERIFY_TLS", "yes"},
      {"TRIBUTARY_S3_PART_SIZE", "1024"},
  };
  for (const auto& [name, value] : cases) {
    try {
      resolve_store_config({}, env_of({{name, value}}));
      ADD_FAILURE() << name << "=" << value << " accepted";
    } catch (const StoreError& e) {
      EXPECT_EQ(e.code(), StoreErrorCode::kInvalidArgument);
      const std::string what = e.what();
      EXPECT_TRUE(what.find(name) != std::string::npos || what.find("5 MiB") != std::string::npos)
          << what;
    }
  }
}

}  // namespace
}  // namespace tributary::store
