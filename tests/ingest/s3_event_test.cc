#include "ingest/s3_event.h"

#include <gtest/gtest.h>

namespace tributary::ingest {
namespace {

// The shape MinIO POSTs to a webhook (abridged from a real notification).
const char* kMinio = R"({
  "EventName": "s3:ObjectCreated:Put",
  "Key": "de-streaming-test/Raw/listen_events/2023061719_20.json",
  "Records": [{
    "eventVersion": "2.0", "eventSource": "minio:s3", "eventName": "s3:ObjectCreated:Put",
    "s3": {
      "bucket": {"name": "de-streaming-test", "arn": "arn:aws:s3:::de-streaming-test"},
      "object": {"key": "Raw%2Flisten_events%2F2023061719_20.json", "size": 395020,
                 "eTag": "0cc5b8a6b9e2a6a9b1f0e1e4d5c6b7a8", "sequencer": "17A1"}
    }
  }]
})";

TEST(S3Event, ParsesMinioWebhookBodies) {
  const auto hints = parse_s3_event(kMinio);
  ASSERT_EQ(hints.size(), 1u);
  EXPECT_EQ(hints[0].bucket, "de-streaming-test");
  EXPECT_EQ(hints[0].key, "Raw/listen_events/2023061719_20.json");
  EXPECT_EQ(hints[0].size, 395020u);
  EXPECT_EQ(hints[0].etag, "0cc5b8a6b9e2a6a9b1f0e1e4d5c6b7a8");
  EXPECT_EQ(hints[0].event_name, "ObjectCreated:Put");
}

TEST(S3Event, ParsesAwsRecordsAndSkipsDeletes) {
  const auto hints = parse_s3_event(R"({"Records":[
    {"eventName":"ObjectCreated:CompleteMultipartUpload",
     "s3":{"bucket":{"name":"raw"},"object":{"key":"Raw/page_view_events/a+b%2Bc.gz","size":7}}},
    {"eventName":"ObjectRemoved:Delete",
     "s3":{"bucket":{"name":"raw"},"object":{"key":"Raw/x.json"}}}]})");
  ASSERT_EQ(hints.size(), 1u);
  EXPECT_EQ(hints[0].key, "Raw/page_view_events/a b+c.gz");
  EXPECT_EQ(hints[0].etag, "");
}

TEST(S3Event, TestEventHasNoObjects) {
  EXPECT_TRUE(
      parse_s3_event(R"({"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"raw"})").empty());
}

TEST(S3Event, RejectsWhatIsNotAnS3Event) {
  EXPECT_THROW(parse_s3_event("not json"), std::invalid_argument);
  EXPECT_THROW(parse_s3_event("[1]"), std::invalid_argument);
  EXPECT_THROW(parse_s3_event(R"({"foo":1})"), std::invalid_argument);
  EXPECT_THROW(parse_s3_event(R"({"Records":[{"eventName":"ObjectCreated:Put","s3":{}}]})"),
               std::invalid_argument);
}

TEST(S3Event, UrlDecoding) {
  EXPECT_EQ(url_decode_form("Raw%2Flisten_events%2F%C3%A9+x.json"), "Raw/listen_events/é x.json");
  EXPECT_THROW(url_decode_form("bad%2"), std::invalid_argument);
  EXPECT_THROW(url_decode_form("bad%zz"), std::invalid_argument);
}

TEST(S3Event, SourceKeyStripsWholePathSegmentsOnly) {
  const ObjectHint hint{"raw", "landing/Raw/listen_events/2024061710_0.json", "", 0, ""};
  EXPECT_EQ(source_key_of(hint, "s3://raw/landing"), "Raw/listen_events/2024061710_0.json");
  EXPECT_EQ(source_key_of(hint, "s3://raw"), hint.key);
  EXPECT_FALSE(source_key_of(hint, "s3://other/landing"));
  EXPECT_FALSE(source_key_of(hint, "s3://raw/elsewhere"));
  EXPECT_FALSE(source_key_of(hint, "s3://raw/land"));  // a prefix is a whole path segment
  EXPECT_EQ(source_key_of(hint, "file:///data/raw"), hint.key);
}

TEST(S3Event, SourceKeyIsRelativeToTheSourcePrefix) {
  const ObjectHint hint{"raw", "team/raw/Raw/listen_events/1_0.json", "", 0, "ObjectCreated:Put"};
  EXPECT_EQ(source_key_of(hint, "s3://raw/team/raw"), "Raw/listen_events/1_0.json");
  EXPECT_EQ(source_key_of(hint, "s3://raw/team/raw/"), "Raw/listen_events/1_0.json");
  EXPECT_EQ(source_key_of(hint, "s3://raw"), "team/raw/Raw/listen_events/1_0.json");
  EXPECT_EQ(source_key_of(hint, "s3://raw/other"), std::nullopt);
  EXPECT_EQ(source_key_of(hint, "s3://another-bucket/team/raw"), std::nullopt);
  EXPECT_EQ(source_key_of(hint, "file:///data/raw"), hint.key);
}

}  // namespace
}  // namespace tributary::ingest
