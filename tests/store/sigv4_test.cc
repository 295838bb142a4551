#include "store/sigv4.h"

#include <gtest/gtest.h>

#include "store/credentials.h"
#include "store/digest.h"
#include "store/s3_error.h"

namespace tributary::store {
namespace {

// AWS's published example ("Signature Calculations for the Authorization Header", GET Object).
// Every request to the s3rver fixture is also checked by AWS's own signer (signing_test.cc).
TEST(SigV4, MatchesAwsDocumentedGetObjectExample) {
  const AwsCredentials creds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "",
                             std::nullopt, "test"};
  SignableRequest req;
  req.method = "GET";
  req.canonical_uri = "/test.txt";
  req.payload_sha256_hex = to_hex(sha256(""));
  req.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                 {"Range", "bytes=0-9"},
                 {"x-amz-content-sha256", req.payload_sha256_hex},
                 {"x-amz-date", "20130524T000000Z"}};
  EXPECT_EQ(sigv4_authorization(req, creds, "us-east-1", "s3", "20130524T000000Z"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, UriEncodingFollowsAwsRules) {
  EXPECT_EQ(aws_uri_encode("a b+c/d~e_f.g-h", true), "a%20b%2Bc/d~e_f.g-h");
  EXPECT_EQ(aws_uri_encode("a/b", false), "a%2Fb");
  EXPECT_EQ(aws_uri_encode("é", true), "%C3%A9");
  EXPECT_EQ(canonical_query_string({{"prefix", "J"}, {"max-keys", "2"}, {"uploads", ""}}),
            "max-keys=2&prefix=J&uploads=");
}

TEST(S3Errors, XmlBodiesAreParsedAndClassified) {
  const S3ErrorInfo e = parse_s3_error(
      404,
      "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code><Message>The specified key does not "
      "exist.</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>",
      "HEADERID");
  EXPECT_EQ(e.code, "NoSuchKey");
  EXPECT_EQ(e.message, "The specified key does not exist.");
  EXPECT_EQ(e.request_id, "4442587FB7D0A2F9");
  EXPECT_EQ(classify_s3_error(404, e.code), StoreErrorCode::kNotFound);
  EXPECT_EQ(classify_s3_error(404, "NoSuchBucket"), StoreErrorCode::kNoSuchBucket);
  EXPECT_EQ(classify_s3_error(403, "SignatureDoesNotMatch"), StoreErrorCode::kAccessDenied);
  EXPECT_EQ(classify_s3_error(503, "SlowDown"), StoreErrorCode::kThrottled);
  EXPECT_EQ(classify_s3_error(429, "HTTP 429"), StoreErrorCode::kThrottled);
  EXPECT_EQ(classify_s3_error(412, "PreconditionFailed"), StoreErrorCode::kPreconditionFailed);
  EXPECT_EQ(classify_s3_error(400, "BadDigest"), StoreErrorCode::kIntegrity);
  EXPECT_EQ(classify_s3_error(500, "InternalError"), StoreErrorCode::kServer);
  EXPECT_EQ(classify_s3_error(416, "InvalidRange"), StoreErrorCode::kInvalidArgument);
  EXPECT_TRUE(is_retryable(StoreErrorCode::kThrottled));
  EXPECT_FALSE(is_retryable(StoreErrorCode::kAccessDenied));
}

TEST(S3Errors, NonXmlBodiesKeepTheStatus) {
  const S3ErrorInfo e = parse_s3_error(502, "<html>Bad Gateway</html>", "ID");
  EXPECT_EQ(e.code, "HTTP 502");
  EXPECT_EQ(e.request_id, "ID");
  EXPECT_EQ(classify_s3_error(502, e.code), StoreErrorCode::kServer);
}

}  // namespace
}  // namespace tributary::store
