// SqsConsumer against a small local HTTP server speaking SQS's JSON protocol (AWS JSON 1.0). No
// SQS server can run in this test environment, so FakeSqs below implements the two actions the
// consumer uses, ReceiveMessage and DeleteMessageBatch, with an immediate visibility timeout (an
// undeleted message is received again by the next call, its ApproximateReceiveCount counting up),
// and records every request so the tests can check they are well-formed and correctly signed.
#include "ingest/sqs_consumer.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <simdjson.h>

#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <regex>
#include <thread>

#include "ingest/ingester.h"
#include "ingest/ledger.h"
#include "server/ingest_telemetry.h"
#include "server/metrics.h"
#include "store/credentials.h"
#include "store/digest.h"
#include "store/file_store.h"
#include "store/sigv4.h"
#include "util/json_writer.h"

namespace tributary::ingest {
namespace {

constexpr const char* kSecret = "sqs-test-secret-key";

struct Recorded {
  std::string target, content_type, authorization, amz_date, host, body;
};

class FakeSqs {
 public:
  FakeSqs() {
    server_.Post("/",
                 [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); });
    server_.Get("/ready", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("ok", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // Answered only once the accept loop runs: a stop() before that would not end it.
    httplib::Client client("127.0.0.1", port_);
    if (!client.Get("/ready")) throw std::runtime_error("FakeSqs did not start");
  }
  ~FakeSqs() {
    server_.stop();
    thread_.join();
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void send(const std::string& id, const std::string& body) {
    std::lock_guard lock(mu_);
    queue_[id] = Message{body, 0};
  }
  void fail_next_receives(int n) {
    std::lock_guard lock(mu_);
    fail_receives_ = n;
  }
  std::vector<Recorded> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  std::vector<std::string> deleted() {
    std::lock_guard lock(mu_);
    return deleted_;
  }
  // Waits (bounded) until `n` messages were deleted; true if they were.
  bool wait_deleted(std::size_t n) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, std::chrono::seconds(20), [&] { return deleted_.size() >= n; });
  }

 private:
  struct Message {
    std::string body;
    int receives;
  };

  void handle(const httplib::Request& req, httplib::Response& res) {
    std::unique_lock lock(mu_);
    const std::string target = req.get_header_value("X-Amz-Target");
    requests_.push_back({target, req.get_header_value("Content-Type"),
                         req.get_header_value("Authorization"), req.get_header_value("X-Amz-Date"),
                         req.get_header_value("Host"), req.body});
    simdjson::dom::parser parser;
    simdjson::dom::element body;
    std::string_view queue_url;
    if (parser.parse(req.body).get(body) != simdjson::SUCCESS ||
        body["QueueUrl"].get(queue_url) != simdjson::SUCCESS) {
      res.status = 400;
      res.set_content(R"({"__type":"com.amazon.coral.validate#ValidationException"})",
                      "application/x-amz-json-1.0");
      return;
    }
    if (target == "AmazonSQS.ReceiveMessage") {
      if (fail_receives_ > 0) {
        --fail_receives_;
        res.status = 500;
        res.set_content(R"({"__type":"com.amazonaws.sqs#InternalError","message":"try again"})",
                        "application/x-amz-json-1.0");
        return;
      }
      // A short long poll: an empty queue answers after at most 100 ms.
      changed_.wait_for(lock, std::chrono::milliseconds(100), [&] { return !queue_.empty(); });
      std::string out;
      util::JsonWriter w(out);
      w.begin_object().key("Messages").begin_array();
      for (auto& [id, m] : queue_) {
        ++m.receives;
        w.begin_object()
            .key("MessageId")
            .value(id)
            .key("ReceiptHandle")
            .value("rh-" + id)
            .key("Body")
            .value(m.body)
            .key("Attributes")
            .begin_object()
            .key("ApproximateReceiveCount")
            .value(std::to_string(m.receives))
            .end_object()
            .end_object();
      }
      w.end_array().end_object();
      res.set_content(out, "application/x-amz-json-1.0");
    } else if (target == "AmazonSQS.DeleteMessageBatch") {
      simdjson::dom::array entries;
      if (body["Entries"].get(entries) != simdjson::SUCCESS || entries.size() == 0 ||
          entries.size() > 10) {
        res.status = 400;
        return;
      }
      std::string out = R"({"Successful":[)";
      bool first = true;
      for (simdjson::dom::element e : entries) {
        std::string_view id, handle;
        if (e["Id"].get(id) != simdjson::SUCCESS ||
            e["ReceiptHandle"].get(handle) != simdjson::SUCCESS || !handle.starts_with("rh-")) {
          res.status = 400;
          return;
        }
        const std::string message_id(handle.substr(3));
        queue_.erase(message_id);
        deleted_.push_back(message_id);
        out += (first ? "" : ",") + std::string(R"({"Id":")") + std::string(id) + "\"}";
        first = false;
      }
      out += "]}";
      res.set_content(out, "application/x-amz-json-1.0");
      changed_.notify_all();
    } else {
      res.status = 400;
      res.set_content(R"({"__type":"com.amazonaws.sqs#UnsupportedOperation"})",
                      "application/x-amz-json-1.0");
    }
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, Message> queue_;
  int fail_receives_ = 0;
  std::vector<Recorded> requests_;
  std::vector<std::string> deleted_;
};

std::string s3_event(const std::string& key) {
  return R"({"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"ObjectCreated:Put",)"
         R"("s3":{"bucket":{"name":"raw"},"object":{"key":")" +
         key + R"(","size":12,"eTag":"0123456789abcdef0123456789abcdef"}}}]})";
}

std::string json_string(const std::string& s) {
  std::string out;
  util::JsonWriter(out).value(s);
  return out;
}

class SqsConsumerTest : public ::testing::Test {
 protected:
  store::EnvLookup env() {
    std::map<std::string, std::string> vars = {{"AWS_ACCESS_KEY_ID", "AKIDSQSTEST"},
                                               {"AWS_SECRET_ACCESS_KEY", kSecret},
                                               {"AWS_EC2_METADATA_DISABLED", "true"},
                                               {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"},
                                               {"AWS_ENDPOINT_URL_SQS", sqs_.endpoint()}};
    return [vars](std::string_view name) -> std::optional<std::string> {
      const auto it = vars.find(std::string(name));
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
  }
  SqsConsumerOptions options() {
    SqsConsumerOptions o;
    o.queue_url = "https://sqs.eu-central-1.amazonaws.com/123456789012/tributary-raw";
    o.wait_time_seconds = 1;
    o.max_receives = 3;
    o.base_backoff = std::chrono::milliseconds(5);
    o.max_backoff = std::chrono::milliseconds(50);
    return o;
  }
  HintHandler recorder() {
    return [this](const std::vector<ObjectHint>& hints) {
      std::lock_guard lock(mu_);
      for (const ObjectHint& h : hints) keys_.push_back(h.key);
    };
  }

  FakeSqs sqs_;
  std::mutex mu_;
  std::vector<std::string> keys_;
};

TEST_F(SqsConsumerTest, HandsS3EventsToTheHandlerAndDeletesThem) {
  sqs_.send("m1", s3_event("Raw/listen_events/2024061710_0.json"));
  // SNS fan-out: the S3 event is the envelope's Message (URL-encoded key: "%3D" is "=").
  sqs_.send(
      "m2",
      R"({"Type":"Notification","MessageId":"x","TopicArn":"arn:aws:sns:eu-central-1:1:t","Message":)" +
          json_string(s3_event("Raw/auth_events/2024061710_1%3Db.json")) + "}");
  SqsConsumer consumer(options(), recorder(), env());
  ASSERT_TRUE(consumer.poll_once());

  EXPECT_EQ(keys_, (std::vector<std::string>{"Raw/listen_events/2024061710_0.json",
                                             "Raw/auth_events/2024061710_1=b.json"}));
  EXPECT_EQ(sqs_.deleted(), (std::vector<std::string>{"m1", "m2"}));
  EXPECT_EQ(consumer.stats().messages, 2u);
  EXPECT_EQ(consumer.stats().hints, 2u);
  EXPECT_EQ(consumer.stats().deleted, 2u);

  const std::vector<Recorded> requests = sqs_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].target, "AmazonSQS.ReceiveMessage");
  EXPECT_EQ(requests[1].target, "AmazonSQS.DeleteMessageBatch");
  EXPECT_NE(
      requests[0].body.find(
          R"("QueueUrl":"https://sqs.eu-central-1.amazonaws.com/123456789012/tributary-raw")"),
      std::string::npos);
  EXPECT_NE(requests[0].body.find(R"("WaitTimeSeconds":1)"), std::string::npos);
  EXPECT_NE(requests[0].body.find(R"("MaxNumberOfMessages":10)"), std::string::npos);
  for (const Recorded& r : requests) {
    EXPECT_EQ(r.content_type, "application/x-amz-json-1.0");
    // SigV4 for service "sqs" in the queue's region, over exactly what the server received.
    static const std::regex kAuth(
        R"(AWS4-HMAC-SHA256 Credential=AKIDSQSTEST/(\d{8})/eu-central-1/sqs/aws4_request, ?)"
        R"(SignedHeaders=content-type;host;x-amz-date;x-amz-target, ?Signature=[0-9a-f]{64})");
    std::smatch m;
    ASSERT_TRUE(std::regex_match(r.authorization, m, kAuth)) << "[" << r.authorization << "]";
    EXPECT_EQ(m[1].str(), r.amz_date.substr(0, 8));
    store::SignableRequest signable{"POST", "/", {}, {}, store::to_hex(store::sha256(r.body))};
    signable.headers = {{"content-type", r.content_type},
                        {"host", r.host},
                        {"x-amz-date", r.amz_date},
                        {"x-amz-target", r.target}};
    store::AwsCredentials creds;
    creds.access_key_id = "AKIDSQSTEST";
    creds.secret_access_key = kSecret;
    EXPECT_EQ(r.authorization,
              store::sigv4_authorization(signable, creds, "eu-central-1", "sqs", r.amz_date));
    EXPECT_EQ(r.authorization.find(kSecret), std::string::npos);
  }
}

TEST_F(SqsConsumerTest, BadMessagesAreDeletedAtOnceAndTestEventsYieldNothing) {
  sqs_.send("bad1", "this is not JSON");
  sqs_.send("bad2", R"({"Type":"Notification","Message":42})");
  sqs_.send("bad3", R"({"Records":"nope"})");
  sqs_.send("test", R"({"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"raw"})");
  server::MetricsRegistry metrics;
  server::IngestTelemetry telemetry(metrics);
  SqsConsumerOptions o = options();
  o.observer = &telemetry;
  SqsConsumer consumer(o, recorder(), env());
  ASSERT_TRUE(consumer.poll_once());
  EXPECT_TRUE(keys_.empty());
  EXPECT_EQ(sqs_.deleted().size(), 4u);
  EXPECT_EQ(consumer.stats().bad_messages, 3u);
  const std::string rendered = metrics.render();
  EXPECT_NE(rendered.find(R"(tributary_sqs_messages_total{outcome="bad"} 3)"), std::string::npos)
      << rendered;
  EXPECT_NE(rendered.find(R"(tributary_sqs_messages_total{outcome="deleted"} 4)"),
            std::string::npos)
      << rendered;
}

TEST_F(SqsConsumerTest, HandlerFailuresAreRetriedThenDropped) {
  sqs_.send("m1", s3_event("Raw/listen_events/2024061710_0.json"));
  int calls = 0;
  SqsConsumer consumer(
      options(),
      [&](const std::vector<ObjectHint>&) {
        ++calls;
        throw std::runtime_error("database unavailable");
      },
      env());
  ASSERT_TRUE(consumer.poll_once());
  ASSERT_TRUE(consumer.poll_once());
  EXPECT_TRUE(sqs_.deleted().empty());  // kept for another try
  ASSERT_TRUE(consumer.poll_once());    // third receive: max_receives reached
  EXPECT_EQ(sqs_.deleted(), std::vector<std::string>{"m1"});
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(consumer.stats().handler_errors, 3u);
}

TEST_F(SqsConsumerTest, ThreadBacksOffOnServerErrorsAndRecovers) {
  sqs_.fail_next_receives(3);
  sqs_.send("m1", s3_event("Raw/listen_events/2024061710_0.json"));
  SqsConsumer consumer(options(), recorder(), env());
  consumer.start();
  ASSERT_TRUE(sqs_.wait_deleted(1));
  consumer.stop();
  EXPECT_EQ(consumer.stats().errors, 3u);
  EXPECT_EQ(keys_, std::vector<std::string>{"Raw/listen_events/2024061710_0.json"});
}

TEST_F(SqsConsumerTest, NetworkErrorsAreReportedWithoutSecrets) {
  SqsConsumerOptions o = options();
  SqsConsumer consumer(o, recorder(), [&](std::string_view name) -> std::optional<std::string> {
    if (name == "AWS_ENDPOINT_URL_SQS") return "http://127.0.0.1:1";  // nothing listens
    return env()(name);
  });
  EXPECT_FALSE(consumer.poll_once());
  EXPECT_EQ(consumer.stats().errors, 1u);
}

TEST_F(SqsConsumerTest, StopEndsALongPollPromptly) {
  SqsConsumerOptions o = options();
  o.wait_time_seconds = 20;
  SqsConsumer consumer(o, recorder(), env());
  consumer.start();
  const auto started = std::chrono::steady_clock::now();
  consumer.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

// What `tributary run` wires up: messages become ledger rows through Ingester::hint().
TEST_F(SqsConsumerTest, FeedsTheIngesterLedger) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("sqs_ingester_test_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "raw");
  store::FileStore(dir / "raw").put("Raw/listen_events/2024061710_0.json", "{}\n");
  IngestConfig config;
  config.source = "file://" + (dir / "raw").string();
  config.lake = "file://" + (dir / "lake").string();
  config.state = "sqlite://" + (dir / "state.db").string();
  config.http_enabled = false;
  finalize_config(config);
  IngestObserver ignored;
  Ingester ingester(config, ignored);

  sqs_.send("m1", s3_event("Raw/listen_events/2024061710_0.json"));
  sqs_.send("m2", s3_event("Raw/listen_events/2024061710_9.json"));  // no such object
  SqsConsumer consumer(
      options(), [&](const std::vector<ObjectHint>& hints) { ingester.hint(hints); }, env());
  ASSERT_TRUE(consumer.poll_once());
  EXPECT_EQ(sqs_.deleted().size(), 2u);
  const auto state = warehouse::Warehouse::open(config.state);
  EXPECT_EQ(Ledger(*state, "test").counts().seen, 1u);
  std::filesystem::remove_all(dir);
}

TEST(UnwrapSns, PassesOtherBodiesThrough) {
  EXPECT_EQ(unwrap_sns("not json"), "not json");
  EXPECT_EQ(unwrap_sns(R"({"Records":[]})"), R"({"Records":[]})");
  EXPECT_EQ(unwrap_sns(R"({"Type":"Notification","Message":"{\"a\":1}"})"), R"({"a":1})");
  EXPECT_THROW(unwrap_sns(R"({"Type":"Notification"})"), std::invalid_argument);
}

TEST(SqsConsumerOptions, RejectsBadQueueUrlsAndLimits) {
  const store::EnvLookup none = [](std::string_view) { return std::optional<std::string>(); };
  SqsConsumerOptions o;
  o.queue_url = "sqs://queue";
  EXPECT_THROW(SqsConsumer(
                   o, [](const auto&) {}, none),
               std::invalid_argument);
  o.queue_url = "https://sqs.us-east-1.amazonaws.com/1/q";
  o.wait_time_seconds = 21;
  EXPECT_THROW(SqsConsumer(
                   o, [](const auto&) {}, none),
               std::invalid_argument);
}

}  // namespace
}  // namespace tributary::ingest
