// Connection details of the s3rver the CTest fixture started (tests/fixtures/s3rver.sh), and a
// StoreConfig for it with everything explicit, so the developer's AWS environment cannot leak in.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>

#include "store/store_config.h"

namespace tributary::testing {

inline constexpr const char* kTestBucket = "tributary-test";

// S3_ENDPOINT from the fixture's env file; throws when the fixture did not run.
inline std::string s3rver_endpoint() {
  std::ifstream in(TRIBUTARY_S3RVER_ENV);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("S3_ENDPOINT=", 0) == 0) return line.substr(12);
  }
  throw std::runtime_error(std::string("no s3rver: ") + TRIBUTARY_S3RVER_ENV +
                           " is missing (run the test through ctest, which starts the fixture)");
}

// Makes the fixture's server accept `access_key_id` with `secret` (as `s3rver.sh add-key` does):
// it checks every request's SigV4 signature against the secrets it knows.
inline void add_s3rver_key(const std::string& access_key_id, const std::string& secret) {
  const std::filesystem::path keys =
      std::filesystem::path(TRIBUTARY_S3RVER_ENV).parent_path() / "keys";
  const std::filesystem::path temp = keys / ("." + access_key_id + ".tmp");
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << secret;
    if (!out.flush()) throw std::runtime_error("cannot write " + temp.string());
  }
  std::filesystem::rename(temp, keys / access_key_id);
}

// The fixture's server always knows the key pair S3RVER/S3RVER.
inline store::StoreConfig s3rver_config(const std::string& endpoint) {
  store::StoreConfig c;
  c.endpoint = endpoint;
  c.region = "us-east-1";
  c.addressing = store::S3Addressing::kPathStyle;
  c.access_key_id = "S3RVER";
  c.secret_access_key = "S3RVER";
  c.profile = "default";
  c.ca_file = "";
  c.verify_tls = true;
  c.connect_timeout = std::chrono::seconds(5);
  c.request_timeout = std::chrono::seconds(5);
  c.max_attempts = 4;
  c.base_backoff = std::chrono::milliseconds(10);
  c.max_backoff = std::chrono::milliseconds(200);
  c.multipart_threshold = 6u << 20;
  c.multipart_part_size = 5u << 20;
  return c;
}

// A prefix no other test (or test process) uses, so tests can share the bucket in parallel.
inline std::string unique_prefix() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return "t" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
         std::to_string(rd() % 1000000);
}

}  // namespace tributary::testing
