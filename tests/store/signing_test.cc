// SigV4 signing against AWS's own signer: the s3rver fixture recomputes every request's signature
// with @smithy/signature-v4 (tests/fixtures/s3rver_server.mjs) and refuses a mismatch as S3 does.
// Here the requests that stress canonicalisation: keys and prefixes with spaces, '+', '%',
// unicode, ".." segments, '~' and reserved characters, listings that page through continuation
// tokens, empty and repeated query values; and the refusals: a wrong secret, an unknown key id, a
// request altered after signing, an unsigned x-amz-* header, a body that is not the one hashed.
#include <gtest/gtest.h>

#include <algorithm>
#include <pugixml.hpp>

#include "s3rver_env.h"
#include "store/credentials.h"
#include "store/digest.h"
#include "store/http_client.h"
#include "store/open_store.h"
#include "store/s3_error.h"
#include "store/sigv4.h"

namespace tributary::store {
namespace {

using Query = std::vector<std::pair<std::string, std::string>>;

std::string s3_uri(const std::string& prefix) {
  return std::string("s3://") + testing::kTestBucket + "/" + prefix;
}

std::string error_of(const std::function<void()>& f, StoreErrorCode want) {
  try {
    f();
  } catch (const StoreError& e) {
    EXPECT_EQ(e.code(), want) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no StoreError thrown";
  return "";
}

// Every key shape whose canonical URI a signer could get wrong. Each is its own object: S3 keeps
// "." and ".." segments (not removed from the canonical URI either) and does not read '+' as a
// space or "%25" as anything but '%'. The dot segments end their keys: s3rver's file storage
// would resolve one inside a path (see KeysWithDotSegmentsAreTheirOwnObjects).
const std::vector<std::string> kAwkwardKeys = {
    "with space/a b.json",
    "plus/a+b",
    "plus/a b",
    "percent/100%",
    "percent/100%25",
    "percent/%2F-not-a-slash",
    "unicode/ünïcödé-日本語-🎵",
    "dots/..",
    "dots/x/.",
    "dots/a..b",
    "tilde/~user",
    "reserved/!*'();:@&=$,?#[]",
    "controls/tab\there",
    "mixed/a+b c%d~e..f",
};

class Signing : public ::testing::Test {
 protected:
  const std::string endpoint_ = testing::s3rver_endpoint();
  StoreConfig config_ = testing::s3rver_config(endpoint_);
};

TEST_F(Signing, AwkwardKeysRoundTripUnderAwsSigner) {
  auto store = open_store(s3_uri(testing::unique_prefix()), config_);
  for (const auto& k : kAwkwardKeys) store->put(k, "body of " + k);
  for (const auto& k : kAwkwardKeys) {
    EXPECT_EQ(store->get(k).body, "body of " + k) << k;
    EXPECT_EQ(store->get_range(k, 0, 4).body, "body") << k;
    EXPECT_EQ(store->head(k)->size, ("body of " + k).size()) << k;
  }
  std::vector<std::string> sorted = kAwkwardKeys;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::string> listed;
  for (const auto& o : store->list("", "", 1000).objects) listed.push_back(o.key);
  EXPECT_EQ(listed, sorted);
  // Prefixes and start-after values are query values: the same characters, encoded there.
  EXPECT_EQ(store->list("plus/a+").objects.size(), 1u);
  EXPECT_EQ(store->list("percent/100%").objects.size(), 2u);
  EXPECT_EQ(store->list("mixed/a+b c%d~e..").objects.size(), 1u);
  EXPECT_EQ(store->list("", "reserved/!*'();:@&=$,?#[]").objects.size(), 3u);
  for (const auto& k : kAwkwardKeys) store->remove(k);
  EXPECT_TRUE(store->list("").objects.empty());
}

// The store's own prefix (part of every canonical URI and of every listing's prefix value).
TEST_F(Signing, AStorePrefixWithReservedCharacters) {
  auto store = open_store(s3_uri(testing::unique_prefix() + "/a b+c%d/ü~"), config_);
  store->put("k", "v");
  EXPECT_EQ(store->get("k").body, "v");
  ASSERT_EQ(store->list("").objects.size(), 1u);
  EXPECT_EQ(store->list("").objects[0].key, "k");
}

// Signed raw requests, to send query strings and headers S3Store never sends.
class RawSigning : public Signing {
 protected:
  void SetUp() override {
    prefix_ = testing::unique_prefix();
    store_ = open_store(s3_uri(prefix_), config_);
    store_->put("object", "the body");
  }

  struct Raw {
    std::string method = "GET";
    std::string key = "object";
    std::string query_sent;  // the query string as sent, in any order
    Query query_signed;      // what the signature covers
    std::vector<std::pair<std::string, std::string>> signed_headers;
    std::vector<std::pair<std::string, std::string>> unsigned_headers;
    std::string body;
    std::optional<std::string> payload_hash;  // default: the body's SHA-256
    AwsCredentials credentials{"S3RVER", "S3RVER", "", std::nullopt, "test"};
  };

  HttpResponse send(const Raw& raw) {
    const std::string authority = endpoint_.substr(endpoint_.find("://") + 3);
    const std::string path =
        "/" + std::string(testing::kTestBucket) +
        (bucket_level_ ? "" : "/" + aws_uri_encode(prefix_ + "/" + raw.key, true));
    const std::string date = amz_date_now();
    SignableRequest signable{raw.method, path, raw.query_signed, raw.signed_headers,
                             raw.payload_hash.value_or(to_hex(sha256(raw.body)))};
    signable.headers.emplace_back("host", authority);
    signable.headers.emplace_back("x-amz-date", date);
    signable.headers.emplace_back("x-amz-content-sha256", signable.payload_sha256_hex);
    HttpRequest http{raw.method,
                     endpoint_ + path + (raw.query_sent.empty() ? "" : "?" + raw.query_sent),
                     signable.headers, raw.body};
    for (const auto& h : raw.unsigned_headers) http.headers.push_back(h);
    http.headers.emplace_back(
        "Authorization", sigv4_authorization(signable, raw.credentials, "us-east-1", "s3", date));
    HttpClient client(HttpOptions{});
    auto outcome = client.perform(http);
    if (!outcome.response) throw std::runtime_error(outcome.error.message);
    return *outcome.response;
  }

  // `raw` sent to the bucket (a listing) instead of an object.
  HttpResponse list(const Raw& raw) {
    bucket_level_ = true;
    HttpResponse r = send(raw);
    bucket_level_ = false;
    return r;
  }

  static std::string code_of(const HttpResponse& r) {
    return parse_s3_error(r.status, r.body, "").code;
  }

  std::string prefix_;
  std::unique_ptr<ObjectStore> store_;
  bool bucket_level_ = false;
};

// S3 ignores query parameters it does not know on GetObject (the AWS SDKs add x-id=GetObject),
// but signs them all: names and values encoded, sorted by name and then by value, an empty value
// and a name without '=' both as "name=".
TEST_F(RawSigning, EmptyAndRepeatedQueryValuesAreCanonicalisedAsAwsDoes) {
  Raw raw;
  raw.query_sent = "z=1&a=2&a=10&a=&flag&x%20y=p%2Bq%25&%C3%BC=%7E&a=1";
  raw.query_signed = {{"z", "1"},   {"a", "2"},      {"a", "10"}, {"a", ""},
                      {"flag", ""}, {"x y", "p+q%"}, {"ü", "~"},  {"a", "1"}};
  const HttpResponse r = send(raw);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "the body");
  EXPECT_EQ(canonical_query_string(raw.query_signed),
            "%C3%BC=~&a=&a=1&a=10&a=2&flag=&x%20y=p%2Bq%25&z=1");
}

// A listing's continuation token goes back as a query value. s3rver's tokens are base64 of
// 8-byte blocks (the last key of the page, encrypted): with keys 8 bytes apart in length, the
// tokens have three consecutive block counts, so at least one ends in '=' padding (and most hold
// '+' or '/'), all of which the signature must encode.
TEST_F(RawSigning, ContinuationTokensAreSignedAsQueryValues) {
  std::vector<std::string> keys;
  for (int i = 0; i < 4; ++i) keys.push_back("page d+/k" + std::string(8u * i, '~'));
  for (const auto& k : keys) store_->put(k, k);
  std::vector<std::string> listed;
  std::vector<std::string> tokens;
  std::string token;
  do {
    Raw raw;
    raw.key = "";
    raw.query_signed = {{"list-type", "2"}, {"max-keys", "1"}, {"prefix", prefix_ + "/page d+/"}};
    if (!token.empty()) raw.query_signed.emplace_back("continuation-token", token);
    raw.query_sent = canonical_query_string(raw.query_signed);
    const HttpResponse r = list(raw);
    ASSERT_EQ(r.status, 200) << r.body;
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_buffer(r.body.data(), r.body.size()));
    const pugi::xml_node result = doc.child("ListBucketResult");
    for (const pugi::xml_node c : result.children("Contents")) {
      listed.push_back(std::string(c.child_value("Key")).substr(prefix_.size() + 1));
    }
    token = result.child_value("NextContinuationToken");
    if (!token.empty()) tokens.push_back(token);
  } while (!token.empty() && listed.size() <= keys.size());
  EXPECT_EQ(listed, keys);
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_TRUE(std::any_of(tokens.begin(), tokens.end(),
                          [](const std::string& t) { return t.back() == '='; }));
}

TEST_F(RawSigning, AQueryChangedAfterSigningIsRefused) {
  Raw raw;
  raw.query_sent = "a=1&a=2";
  raw.query_signed = {{"a", "1"}};
  const HttpResponse r = send(raw);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(code_of(r), "SignatureDoesNotMatch") << r.body;
}

TEST_F(RawSigning, AHeaderChangedAfterSigningIsRefused) {
  Raw raw;
  raw.signed_headers = {{"range", "bytes=0-2"}};
  raw.unsigned_headers = {{"Range", "bytes=0-3"}};
  // Two Range headers: the signature covered one, the server canonicalises both.
  const HttpResponse r = send(raw);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(code_of(r), "SignatureDoesNotMatch") << r.body;
}

TEST_F(RawSigning, UnsignedAmzHeadersAreRefused) {
  Raw raw;
  raw.unsigned_headers = {{"x-amz-meta-colour", "blue"}};
  const HttpResponse r = send(raw);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(code_of(r), "AccessDenied") << r.body;
  EXPECT_NE(r.body.find("x-amz-meta-colour"), std::string::npos) << r.body;
}

// x-amz-content-sha256 is signed; S3 then checks the body against it, unless it says
// UNSIGNED-PAYLOAD (which S3 accepts over TLS and the fixture accepts as S3 does).
TEST_F(RawSigning, TheBodyMustBeTheOneHashed) {
  Raw raw;
  raw.method = "PUT";
  raw.key = "hashed";
  raw.body = "sent";
  raw.payload_hash = to_hex(sha256("signed"));
  raw.signed_headers = {{"content-length", "4"}};
  HttpResponse r = send(raw);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(code_of(r), "XAmzContentSHA256Mismatch") << r.body;
  EXPECT_FALSE(store_->head("hashed").has_value());

  raw.payload_hash = "UNSIGNED-PAYLOAD";
  r = send(raw);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(store_->get("hashed").body, "sent");
}

// A wrong secret: the first attempt's 403 SignatureDoesNotMatch is final (retrying cannot help)
// and the error says what S3 said, without the secret.
TEST_F(Signing, AWrongSecretIsRefusedWithSignatureDoesNotMatch) {
  const std::string secret = "not-the-secret/Qz7+wrong";
  config_.secret_access_key = secret;
  int attempts = 0;
  config_.on_attempt = [&](std::string_view, std::string_view, bool) { ++attempts; };
  auto store = open_store(s3_uri(testing::unique_prefix()), config_);
  const std::string what = error_of([&] { store->put("k", "v"); }, StoreErrorCode::kAccessDenied);
  EXPECT_NE(what.find("SignatureDoesNotMatch (HTTP 403)"), std::string::npos) << what;
  EXPECT_NE(what.find("put 'k'"), std::string::npos) << what;
  EXPECT_EQ(what.find(secret), std::string::npos) << what;
  EXPECT_EQ(attempts, 1);
  error_of([&] { store->list(""); }, StoreErrorCode::kAccessDenied);
}

TEST_F(Signing, AnUnknownKeyIdIsRefused) {
  config_.access_key_id = "AKIANOSUCHKEY0000000";
  auto store = open_store(s3_uri(testing::unique_prefix()), config_);
  const std::string what = error_of([&] { store->get("k"); }, StoreErrorCode::kAccessDenied);
  EXPECT_NE(what.find("InvalidAccessKeyId (HTTP 403)"), std::string::npos) << what;
}

// Keys the fixture is told about work like S3RVER, with a session token signed along.
TEST_F(Signing, ARegisteredKeyWithSessionTokenIsAccepted) {
  const std::string id = "AKIASIGNINGTEST" + std::to_string(::getpid());
  testing::add_s3rver_key(id, "wJalrXUtnFEMI/K7MDENG+bPxRfiCY=");
  config_.access_key_id = id;
  config_.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCY=";
  config_.session_token = "FwoGZXIvYXdzEB8aD+token/==";
  auto store = open_store(s3_uri(testing::unique_prefix()), config_);
  store->put("k", "v");
  EXPECT_EQ(store->get("k").body, "v");
  config_.secret_access_key = "S3RVER";
  auto wrong = open_store(s3_uri(testing::unique_prefix()), config_);
  error_of([&] { wrong->get("k"); }, StoreErrorCode::kAccessDenied);
}

}  // namespace
}  // namespace tributary::store
