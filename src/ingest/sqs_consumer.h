// SqsConsumer: takes Amazon S3 event notifications from an SQS queue and hands them to the
// ingester as hints (Ingester::hint). Like the webhook, it only makes objects visible sooner; the
// listing poller remains what guarantees that nothing is missed.
//
// Protocol: SQS's JSON protocol (AWS JSON 1.0): POST to the queue's endpoint with
// `Content-Type: application/x-amz-json-1.0` and `X-Amz-Target: AmazonSQS.<Action>`, signed with
// SigV4 (service "sqs") using the store's signer and credential chain. ReceiveMessage long-polls
// (WaitTimeSeconds); handled messages are deleted with DeleteMessageBatch.
//
// Message handling invariants:
//  - A body is an S3 event notification, or an SNS envelope ({"Type":"Notification",
//    "Message":"<S3 event JSON>"}) around one; s3:TestEvent and non-create records yield no hint.
//  - A message that cannot be parsed is logged and deleted at once: never retried forever.
//  - A message whose hints the handler fails on (database or source down) is left in the queue
//    to be received again after its visibility timeout, until it has been received
//    max_receives times; then it is logged and deleted (the listing poller will find the objects).
//  - Network and server errors back off exponentially with full jitter, up to max_backoff, and
//    reset after a success. Errors never contain credentials.
//  - stop() returns promptly (a long poll in flight is abandoned within about a second).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ingest/ingest_observer.h"
#include "ingest/s3_event.h"
#include "store/store_config.h"

namespace tributary::store {
class AwsCredentialChain;
class HttpClient;
}  // namespace tributary::store

namespace tributary::ingest {

struct SqsConsumerOptions {
  // https://sqs.<region>.amazonaws.com/<account>/<queue>. Requests go to the endpoint of its
  // scheme and host, or to AWS_ENDPOINT_URL_SQS when set.
  std::string queue_url;
  // Region (default: from the queue URL's host "sqs.<region>.amazonaws.com", else the store's),
  // credentials and TLS settings: the store's configuration and the same AWS credential chain.
  store::StoreConfig store;
  int wait_time_seconds = 20;  // long polling (SQS allows 0..20)
  int max_messages = 10;       // per ReceiveMessage (SQS allows 1..10)
  int max_receives = 5;        // a message the handler keeps failing on is dropped after this
  std::chrono::milliseconds base_backoff{200};
  std::chrono::milliseconds max_backoff{20'000};
  // When set, SqsStats are also reported there: SqsMessages by outcome (received, deleted, bad,
  // handler_error), SqsHints, SqsErrors. It must outlive the consumer.
  IngestObserver* observer = nullptr;
};

struct SqsStats {
  std::atomic<std::uint64_t> receives{0};        // ReceiveMessage calls that succeeded
  std::atomic<std::uint64_t> messages{0};        // messages received
  std::atomic<std::uint64_t> hints{0};           // object hints handed to the handler
  std::atomic<std::uint64_t> deleted{0};         // messages deleted
  std::atomic<std::uint64_t> bad_messages{0};    // unparseable: deleted at once
  std::atomic<std::uint64_t> handler_errors{0};  // the handler threw
  std::atomic<std::uint64_t> errors{0};          // failed SQS calls (network, 4xx, 5xx)
};

// Handles the hints of one message; throws to have the message received again later.
using HintHandler = std::function<void(const std::vector<ObjectHint>&)>;

// The body of an SQS message as an S3 event: the SNS envelope's Message when the body is one,
// otherwise the body. Throws std::invalid_argument when the body is an SNS envelope without a
// string Message.
std::string unwrap_sns(std::string_view body);

class SqsConsumer {
 public:
  SqsConsumer(SqsConsumerOptions options, HintHandler handler,
              store::EnvLookup env = store::process_env());
  ~SqsConsumer();  // stops
  SqsConsumer(const SqsConsumer&) = delete;
  SqsConsumer& operator=(const SqsConsumer&) = delete;

  // Starts the polling thread.
  void start();
  // Ends the polling thread; safe to call twice.
  void stop();

  // One ReceiveMessage, handling and deletion; returns false after a failed SQS call (the
  // caller backs off). Used by the thread; public for tests.
  bool poll_once();

  const SqsStats& stats() const { return stats_; }

 private:
  struct Response {
    bool ok = false;
    long status = 0;
    std::string body;  // the response, or what went wrong
  };
  Response call(const std::string& action, const std::string& body);
  // Adds n to `stat` and, with options.observer, reports it as the occurrence named `metric`.
  void count(std::atomic<std::uint64_t>& stat, std::uint64_t n, std::string_view metric,
             std::string_view outcome = {});
  void loop();

  SqsConsumerOptions options_;
  HintHandler handler_;
  std::string endpoint_;   // scheme://host[:port]
  std::string authority_;  // host[:port]
  std::string region_;
  std::unique_ptr<store::HttpClient> http_;
  std::unique_ptr<store::AwsCredentialChain> credentials_;
  SqsStats stats_;

  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace tributary::ingest
