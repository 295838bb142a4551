// S3Store against s3rver through FaultProxy: throttling, resets, truncated and corrupted bodies,
// slow responses and lost responses. The client must return the exact bytes or fail with a clear
// error after its attempts; it must never return a short or damaged body.
#include <gtest/gtest.h>

#include <functional>
#include <mutex>
#include <random>

#include "fault_proxy.h"
#include "s3rver_env.h"
#include "store/s3_store.h"

namespace tributary::store {
namespace {

using testing::Fault;
using testing::FaultProxy;
using namespace std::chrono_literals;

int s3rver_port() {
  const std::string ep = testing::s3rver_endpoint();
  return std::stoi(ep.substr(ep.rfind(':') + 1));
}

class FaultTest : public ::testing::Test {
 protected:
  FaultTest() : proxy_("127.0.0.1", s3rver_port()) {}

  std::unique_ptr<S3Store> open(int attempts = 4, std::chrono::milliseconds timeout = 5s) {
    StoreConfig c = testing::s3rver_config(proxy_.endpoint());
    c.max_attempts = attempts;
    c.request_timeout = timeout;
    return open_s3_store(
        std::string("s3://") + testing::kTestBucket + "/" + testing::unique_prefix(), c);
  }

  static std::string body_of(std::size_t n) {
    std::string s(n, '\0');
    std::mt19937 rng(42);
    for (auto& c : s) c = static_cast<char>(rng());
    return s;
  }

  FaultProxy proxy_;
};

TEST_F(FaultTest, ThrottlingIsRetriedUntilTheExactBytesArrive) {
  auto store = open();
  const std::string body = body_of(300'000);
  store->put("k", body);
  proxy_.inject({Fault::kSlowDown, Fault::kServerError, Fault::kSlowDown});
  const std::uint64_t before = store->retries();
  EXPECT_EQ(store->get("k").body, body);
  EXPECT_EQ(store->retries() - before, 3u);
  EXPECT_EQ(proxy_.pending_faults(), 0u);
}

TEST_F(FaultTest, EveryAttemptIsReportedWithItsOutcome) {
  StoreConfig c = testing::s3rver_config(proxy_.endpoint());
  c.max_attempts = 4;
  std::mutex mutex;
  std::vector<std::string> seen;
  c.on_attempt = [&](std::string_view op, std::string_view outcome, bool will_retry) {
    std::lock_guard lock(mutex);
    seen.push_back(std::string(op) + " " + std::string(outcome) + (will_retry ? " retry" : ""));
  };
  auto store = open_s3_store(
      std::string("s3://") + testing::kTestBucket + "/" + testing::unique_prefix(), c);
  store->put("k", "v");
  proxy_.inject({Fault::kSlowDown, Fault::kServerError});
  EXPECT_EQ(store->get("k").body, "v");
  EXPECT_FALSE(store->head("missing"));
  std::lock_guard lock(mutex);
  EXPECT_EQ(seen, (std::vector<std::string>{"put ok", "get throttled retry", "get server retry",
                                            "get ok", "head not_found"}));
}

TEST_F(FaultTest, ThrottlingPastTheAttemptsFailsWithTheS3Error) {
  auto store = open(3);
  store->put("k", "v");
  proxy_.inject({Fault::kSlowDown}, 3);
  try {
    store->get("k");
    FAIL() << "succeeded through three SlowDowns with three attempts";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.code(), StoreErrorCode::kThrottled);
    const std::string what = e.what();
    EXPECT_NE(what.find("SlowDown (HTTP 503)"), std::string::npos) << what;
    EXPECT_NE(what.find("gave up after 3 attempts"), std::string::npos) << what;
    EXPECT_NE(what.find("request id PROXY503"), std::string::npos) << what;
    EXPECT_EQ(e.request_id(), "PROXY503");
  }
}

TEST_F(FaultTest, RetryAfterIsHonoured) {
  auto store = open();
  store->put("k", "v");
  proxy_.inject({Fault::kSlowDownRetryAfter1});
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(store->get("k").body, "v");
  EXPECT_GE(std::chrono::steady_clock::now() - start, 1s);
}

TEST_F(FaultTest, ConnectionResetMidBodyIsRetried) {
  auto store = open();
  const std::string body = body_of(2'000'000);
  store->put("k", body);
  proxy_.inject({Fault::kResetMidBody, Fault::kResetMidBody});
  EXPECT_EQ(store->get("k").body, body);
}

TEST_F(FaultTest, TruncatedBodiesAreNeverReturned) {
  auto store = open(3);
  const std::string body = body_of(500'000);
  store->put("k", body);
  proxy_.inject({Fault::kTruncateBody});
  EXPECT_EQ(store->get("k").body, body);
  proxy_.inject({Fault::kTruncateBody}, 3);
  try {
    store->get("k");
    FAIL() << "a truncated body was returned";
  } catch (const StoreError& e) {
    EXPECT_TRUE(e.code() == StoreErrorCode::kNetwork || e.code() == StoreErrorCode::kIntegrity)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("gave up after 3 attempts"), std::string::npos);
  }
}

TEST_F(FaultTest, TruncatedRangesAreNeverReturned) {
  auto store = open();
  const std::string body = body_of(100'000);
  store->put("k", body);
  proxy_.inject({Fault::kTruncateBody, Fault::kResetMidBody});
  EXPECT_EQ(store->get_range("k", 1000, 50'000).body, body.substr(1000, 50'000));
}

TEST_F(FaultTest, CorruptedBodiesFailTheMd5Check) {
  auto store = open(2);
  const std::string body = body_of(100'000);
  store->put("k", body);
  proxy_.inject({Fault::kCorruptBody});
  EXPECT_EQ(store->get("k").body, body);
  proxy_.inject({Fault::kCorruptBody}, 2);
  try {
    store->get("k");
    FAIL() << "a corrupted body was returned";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.code(), StoreErrorCode::kIntegrity);
    EXPECT_NE(std::string(e.what()).find("differs from ETag"), std::string::npos) << e.what();
  }
}

TEST_F(FaultTest, SlowResponsesTimeOutAndAreRetried) {
  proxy_.slow_delay = 3s;
  auto store = open(2, 500ms);
  store->put("k", "v");
  proxy_.inject({Fault::kSlowResponse});
  EXPECT_EQ(store->get("k").body, "v");
  proxy_.inject({Fault::kSlowResponse}, 2);
  try {
    store->get("k");
    FAIL() << "no timeout";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.code(), StoreErrorCode::kNetwork);
    EXPECT_NE(std::string(e.what()).find("timed out"), std::string::npos) << e.what();
  }
}

TEST_F(FaultTest, APutWhoseResponseWasLostIsStillASuccessUnderIfNoneMatch) {
  auto store = open();
  proxy_.inject({Fault::kDropResponse});
  const ObjectInfo info = store->put("claimed", "mine", {.if_none_match = true});
  EXPECT_EQ(info.size, 4u);
  EXPECT_EQ(store->get("claimed").body, "mine");
  // But a different body is a genuine conflict.
  EXPECT_THROW(store->put("claimed", "other", {.if_none_match = true}), StoreError);
}

TEST_F(FaultTest, MultipartUploadsSurviveFaultsOnParts) {
  auto store = open();
  const std::string body = body_of((11u << 20) + 7);
  // initiate ok, part 1 throttled, part 2 reset, then everything passes.
  proxy_.inject({Fault::kNone, Fault::kSlowDown, Fault::kNone, Fault::kResetMidBody});
  store->put("big", body);
  EXPECT_TRUE(store->get("big").body == body);
}

TEST_F(FaultTest, ConnectionsAreReused) {
  auto store = open();
  store->put("k", "v");
  const HttpStats before = store->http_stats();
  for (int i = 0; i < 20; ++i) store->get("k");
  const HttpStats after = store->http_stats();
  EXPECT_EQ(after.requests - before.requests, 20u);
  EXPECT_LE(after.new_connections - before.new_connections, 1u);
}

TEST_F(FaultTest, SecretsNeverAppearInErrorsOrOutput) {
  const std::string secret = "SECRET-wJalrXUtnFEMI-K7MDENG";
  const std::string token = "TOKEN-FQoGZXIvYXdzEJr";
  StoreConfig c = testing::s3rver_config(proxy_.endpoint());
  // A key the fixture knows, so that the requests are accepted and the faults are what fails.
  c.access_key_id = "AKIAFAULTSECRETTEST";
  testing::add_s3rver_key(c.access_key_id, secret);
  c.secret_access_key = secret;
  c.session_token = token;
  c.max_attempts = 2;
  c.request_timeout = 500ms;
  proxy_.slow_delay = 2s;
  std::vector<std::string> messages;
  auto collect = [&](const std::function<void()>& f) {
    try {
      f();
    } catch (const std::exception& e) {
      messages.emplace_back(e.what());
    }
  };
  ::testing::internal::CaptureStderr();
  ::testing::internal::CaptureStdout();
  {
    auto store = open_s3_store(std::string("s3://") + testing::kTestBucket + "/secret-test", c);
    messages.push_back(store->uri());
    collect([&] { store->put("k", "v"); });
    collect([&] { store->get("missing"); });
    proxy_.inject({Fault::kSlowDown}, 2);
    collect([&] { store->get("k"); });
    proxy_.inject({Fault::kCorruptBody}, 2);
    collect([&] { store->get("k"); });
    proxy_.inject({Fault::kSlowResponse}, 2);
    collect([&] { store->list(""); });
    collect([&] { store->put("", "bad key"); });
    // A bucket s3rver does not have, and an endpoint nothing listens on.
    auto other = open_s3_store("s3://no-such-bucket/x", c);
    collect([&] { other->get("k"); });
    StoreConfig dead = c;
    dead.endpoint = "http://127.0.0.1:1";
    collect([&] { open_s3_store("s3://tributary-test/x", dead)->get("k"); });
  }
  messages.push_back(::testing::internal::GetCapturedStdout());
  messages.push_back(::testing::internal::GetCapturedStderr());
  EXPECT_GE(messages.size(), 8u);
  for (const auto& m : messages) {
    EXPECT_EQ(m.find(secret), std::string::npos) << m;
    EXPECT_EQ(m.find(token), std::string::npos) << m;
    EXPECT_EQ(m.find("Signature="), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace tributary::store
