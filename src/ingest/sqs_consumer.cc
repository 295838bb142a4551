#include "ingest/sqs_consumer.h"

#include <simdjson.h>

#include <regex>
#include <stdexcept>

#include "store/aws_json_request.h"
#include "store/credentials.h"
#include "store/http_client.h"
#include "util/backoff.h"
#include "util/json_writer.h"
#include "util/log.h"

namespace tributary::ingest {
namespace {

struct Message {
  std::string receipt_handle;
  std::string body;
  std::string message_id;
  int receive_count = 0;
};

// Messages of a ReceiveMessage response. Throws std::invalid_argument when it is not one.
std::vector<Message> parse_messages(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json).get(root) != simdjson::SUCCESS || !root.is_object()) {
    throw std::invalid_argument("ReceiveMessage response is not a JSON object");
  }
  std::vector<Message> out;
  simdjson::dom::array messages;
  if (root["Messages"].get(messages) != simdjson::SUCCESS) return out;  // none: key absent
  for (simdjson::dom::element m : messages) {
    Message msg;
    std::string_view s;
    if (m["ReceiptHandle"].get(s) != simdjson::SUCCESS) {
      throw std::invalid_argument("ReceiveMessage: a message has no ReceiptHandle");
    }
    msg.receipt_handle = s;
    if (m["Body"].get(s) == simdjson::SUCCESS) msg.body = s;
    if (m["MessageId"].get(s) == simdjson::SUCCESS) msg.message_id = s;
    if (m["Attributes"]["ApproximateReceiveCount"].get(s) == simdjson::SUCCESS) {
      try {
        msg.receive_count = std::stoi(std::string(s));
      } catch (const std::exception&) {
        msg.receive_count = 0;
      }
    }
    out.push_back(std::move(msg));
  }
  return out;
}

// The `__type` (without its namespace) and message of an SQS JSON error response, for logs.
std::string error_summary(long status, const std::string& body) {
  std::string summary = "HTTP " + std::to_string(status);
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body).get(root) != simdjson::SUCCESS) return summary;
  std::string_view type;
  if (root["__type"].get(type) == simdjson::SUCCESS) {
    summary += " " + std::string(type.substr(type.rfind('#') + 1));  // npos + 1 == 0
  }
  std::string_view message;
  if (root["message"].get(message) == simdjson::SUCCESS ||
      root["Message"].get(message) == simdjson::SUCCESS) {
    summary += ": " + std::string(message);
  }
  return summary;
}

}  // namespace

std::string unwrap_sns(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body).get(root) != simdjson::SUCCESS || !root.is_object()) {
    return std::string(body);  // parse_s3_event says what is wrong
  }
  std::string_view type;
  if (root["Type"].get(type) != simdjson::SUCCESS || type != "Notification") {
    return std::string(body);
  }
  std::string_view message;
  if (root["Message"].get(message) != simdjson::SUCCESS) {
    throw std::invalid_argument("SNS notification without a string Message");
  }
  return std::string(message);
}

SqsConsumer::SqsConsumer(SqsConsumerOptions options, HintHandler handler, store::EnvLookup env)
    : options_(std::move(options)), handler_(std::move(handler)) {
  static const std::regex kUrl(R"((https?)://([^/]+)(/.*)?)");
  std::smatch m;
  if (!std::regex_match(options_.queue_url, m, kUrl)) {
    throw std::invalid_argument("SQS queue URL is not http(s)://host/...: " +
                                util::redact(options_.queue_url));
  }
  endpoint_ = m[1].str() + "://" + m[2].str();
  if (auto custom = env("AWS_ENDPOINT_URL_SQS"); custom && !custom->empty()) {
    std::smatch e;
    if (!std::regex_match(*custom, e, kUrl)) {
      throw std::invalid_argument("AWS_ENDPOINT_URL_SQS is not an http(s) URL");
    }
    endpoint_ = e[1].str() + "://" + e[2].str();
  }
  authority_ = endpoint_.substr(endpoint_.find("://") + 3);
  static const std::regex kAwsHost(R"(sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?)");
  std::smatch h;
  const std::string queue_host = m[2].str();
  const store::StoreConfig resolved = store::resolve_store_config(options_.store, env);
  region_ = std::regex_match(queue_host, h, kAwsHost) ? h[1].str() : resolved.region;
  if (options_.wait_time_seconds < 0 || options_.wait_time_seconds > 20) {
    throw std::invalid_argument("SQS wait time must be 0..20 seconds");
  }
  if (options_.max_messages < 1 || options_.max_messages > 10) {
    throw std::invalid_argument("SQS max messages must be 1..10");
  }
  store::HttpOptions http;
  http.connect_timeout = *resolved.connect_timeout;
  // A long poll answers after up to wait_time_seconds.
  http.request_timeout = std::chrono::seconds(options_.wait_time_seconds + 15);
  http.verify_tls = *resolved.verify_tls;
  http.ca_file = resolved.ca_file;
  http_ = std::make_unique<store::HttpClient>(http);
  credentials_ = std::make_unique<store::AwsCredentialChain>(resolved, env);
}

SqsConsumer::~SqsConsumer() {
  stop();
}

SqsConsumer::Response SqsConsumer::call(const std::string& action, const std::string& body) {
  Response out;
  store::AwsCredentials creds;
  try {
    creds = credentials_->get();
  } catch (const std::exception& e) {
    out.body = util::redact(e.what());
    return out;
  }
  const store::AwsJsonService sqs{
      endpoint_, authority_, region_, "sqs", "application/x-amz-json-1.0", "AmazonSQS"};
  store::HttpRequest request = store::aws_json_request(sqs, action, body, creds);
  // Only a long poll is abandoned on stop(); a deletion is short and worth finishing.
  if (action == "ReceiveMessage") request.cancel = &stopping_;
  const store::HttpClient::Outcome outcome = http_->perform(request);
  if (!outcome.response) {
    out.body = stopping_ ? "stopped" : "network error: " + outcome.error.message;
    return out;
  }
  out.status = outcome.response->status;
  if (out.status == 403 || out.status == 401) credentials_->invalidate();
  if (out.status < 200 || out.status >= 300) {
    out.body = error_summary(out.status, outcome.response->body);
    return out;
  }
  out.ok = true;
  out.body = outcome.response->body;
  return out;
}

void SqsConsumer::count(std::atomic<std::uint64_t>& stat, std::uint64_t n, std::string_view metric,
                        std::string_view outcome) {
  stat += n;
  if (options_.observer == nullptr) return;
  if (metric == "messages") {
    options_.observer->observe(SqsMessages{std::string(outcome), n});
  } else if (metric == "hints") {
    options_.observer->observe(SqsHints{n});
  } else {
    options_.observer->observe(SqsErrors{n});
  }
}

bool SqsConsumer::poll_once() {
  std::string request;
  util::JsonWriter(request)
      .begin_object()
      .key("QueueUrl")
      .value(options_.queue_url)
      .key("MaxNumberOfMessages")
      .value(options_.max_messages)
      .key("WaitTimeSeconds")
      .value(options_.wait_time_seconds)
      .key("AttributeNames")
      .begin_array()
      .value("ApproximateReceiveCount")
      .end_array()
      .end_object();
  const Response received = call("ReceiveMessage", request);
  if (!received.ok) {
    if (!stopping_) {
      count(stats_.errors, 1, "errors");
      util::log_warn("sqs.receive_failed", {{"error", util::redact(received.body)}});
    }
    return false;
  }
  std::vector<Message> messages;
  try {
    messages = parse_messages(received.body);
  } catch (const std::exception& e) {
    count(stats_.errors, 1, "errors");
    util::log_warn("sqs.receive_failed", {{"error", std::string(e.what())}});
    return false;
  }
  ++stats_.receives;
  count(stats_.messages, messages.size(), "messages", "received");

  std::vector<const Message*> done;  // to delete
  for (const Message& m : messages) {
    std::vector<ObjectHint> hints;
    try {
      hints = parse_s3_event(unwrap_sns(m.body));
    } catch (const std::exception& e) {
      count(stats_.bad_messages, 1, "messages", "bad");
      util::log_warn("sqs.bad_message",
                     {{"message_id", m.message_id}, {"error", std::string(e.what())}});
      done.push_back(&m);
      continue;
    }
    try {
      if (!hints.empty()) handler_(hints);
      count(stats_.hints, hints.size(), "hints");
      done.push_back(&m);
    } catch (const std::exception& e) {
      count(stats_.handler_errors, 1, "messages", "handler_error");
      const bool give_up = m.receive_count >= options_.max_receives;
      util::log_warn("sqs.handler_failed", {{"message_id", m.message_id},
                                            {"receive_count", m.receive_count},
                                            {"dropped", give_up},
                                            {"error", util::redact(e.what())}});
      if (give_up) done.push_back(&m);
    }
  }
  if (done.empty()) return true;
  std::string del;
  util::JsonWriter w(del);
  w.begin_object().key("QueueUrl").value(options_.queue_url).key("Entries").begin_array();
  for (std::size_t i = 0; i < done.size(); ++i) {
    w.begin_object()
        .key("Id")
        .value(std::to_string(i))
        .key("ReceiptHandle")
        .value(done[i]->receipt_handle)
        .end_object();
  }
  w.end_array().end_object();
  const Response deleted = call("DeleteMessageBatch", del);
  if (!deleted.ok) {
    // The messages come back after their visibility timeout; handling them twice is harmless.
    count(stats_.errors, 1, "errors");
    util::log_warn("sqs.delete_failed", {{"error", util::redact(deleted.body)}});
    return false;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::uint64_t failed = 0;
  simdjson::dom::array failures;
  if (parser.parse(deleted.body).get(root) == simdjson::SUCCESS &&
      root["Failed"].get(failures) == simdjson::SUCCESS) {
    failed = failures.size();
  }
  count(stats_.deleted, done.size() - failed, "messages", "deleted");
  if (failed > 0) {
    util::log_warn("sqs.delete_failed", {{"failed", failed}});
  }
  return true;
}

void SqsConsumer::loop() {
  util::Backoff backoff(options_.base_backoff, options_.max_backoff);
  while (!stopping_) {
    if (poll_once()) {
      backoff.reset();
      continue;
    }
    const auto wait = backoff.next();
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, wait, [&] { return stopping_.load(); });
  }
}

void SqsConsumer::start() {
  util::log_info("sqs.started", {{"queue", options_.queue_url}, {"region", region_}});
  thread_ = std::thread([this] { loop(); });
}

void SqsConsumer::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace tributary::ingest
