// OperationsServer: the HTTP endpoint of a running tributary — /healthz, /readyz, /metrics, the
// MinIO bucket-notification webhook (POST /hooks/minio) and, with serve_status(), the status page
// (/ and /status.json) and the warehouse report page (/report).
//
// Invariants:
//  - Binds 127.0.0.1 unless configured otherwise; a port of 0 picks a free one (see port()).
//  - One request per connection. A connection takes a thread only once its request line and
//    headers have arrived: until then it waits in a gate that one thread polls (at most
//    `max_waiting_heads` connections; one more closes the one that has waited longest). So
//    clients that connect and send nothing, or trickle their headers, cost a file descriptor
//    each but never delay /healthz. Complete requests are served by at most `threads` threads
//    with at most `max_queued` waiting for one; a flood of clients costs no memory or file
//    descriptors beyond those bounds.
//  - Handlers that may wait on the source, the lake or the databases (/readyz, /status.json,
//    /report, the webhook) run on at most threads - 1 threads at once (1 with one thread); more
//    are answered 503 (Retry-After: 1) at once, so however long an outage makes them hang,
//    /healthz and /metrics are still served.
//  - Every request is bounded before any handler runs: its request line and headers by
//    max_header_bytes (431) and its whole arrival by request_timeout (408), however slowly the
//    client sends; its body by max_body_bytes (413), whether sized by Content-Length or chunked.
//    Compressed bodies (415), unknown transfer codings (501), malformed Content-Length (400),
//    a webhook request with neither Content-Length nor chunked coding (411), a GET or HEAD with a
//    body (400), two Host headers (400) and methods no route takes (405) are refused without
//    reading the body.
//  - With a webhook token set, a webhook request without `Authorization: Bearer <token>` is
//    refused with 401 before its body is read (compared in constant time, whatever its length)
//    and never reaches the handler.
//  - With a status token set, every path but the probes (/healthz, /readyz), /metrics and the
//    webhook (its own token) answers 401 without `Authorization: Bearer <token>` or HTTP Basic
//    credentials `tributary:<token>` (what a browser sends after its login prompt), compared the
//    same way: the status page shows quarantined raw lines, the report the warehouse's answers.
//    Serving them beyond loopback without one logs a warning (http.status_unprotected); on
//    loopback without one they answer 403 to a Host that is not a loopback name (DNS rebinding).
//  - Every response (refusals and errors too) carries status_page_csp() as its
//    Content-Security-Policy, X-Content-Type-Options: nosniff, X-Frame-Options: DENY,
//    Cache-Control: no-store and Referrer-Policy: no-referrer.
//  - Error texts that leave through HTTP are redacted (util::redact); a handler's exception is a
//    500 whose message is only logged, redacted.
//  - Handlers run on the server's threads; they must be thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "server/metrics.h"
#include "server/status_board.h"

namespace tributary::server {

struct OperationsServerOptions {
  std::string listen = "127.0.0.1:8080";  // host:port
  std::string webhook_token;              // empty: the webhook accepts unauthenticated requests
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 << 10;            // request line and headers
  std::chrono::milliseconds request_timeout{10'000};  // the whole request must arrive by then
  std::chrono::milliseconds write_timeout{10'000};    // and the response be taken by then
  std::size_t threads = 8;                            // requests served at once
  std::size_t max_queued = 16;                        // complete requests waiting for a thread
  std::size_t max_waiting_heads = 256;                // connections whose head has not arrived
  std::string status_token{};  // empty: the status page and the report are open (see above)
};

// A named readiness check: returns nullopt when ready, else why not.
struct ReadinessCheck {
  std::string name;
  std::function<std::optional<std::string>()> check;
};

// Receives a webhook body; returns how many objects it announced, or throws
// std::invalid_argument (answered with 400 and the message) when the body is not understood.
using WebhookHandler = std::function<std::size_t(const std::string& body)>;

// Renders the warehouse report as a self-contained HTML page, or throws.
using ReportPageProvider = std::function<std::string()>;

class OperationsServer {
 public:
  OperationsServer(OperationsServerOptions options, MetricsRegistry& metrics,
                   std::vector<ReadinessCheck> readiness, WebhookHandler webhook);
  ~OperationsServer();
  OperationsServer(const OperationsServer&) = delete;
  OperationsServer& operator=(const OperationsServer&) = delete;

  // Serves the status page from `board` at / and /status.json and, when `report_page` is set,
  // the report at /report (the board links to it). Call before start(); `board` must outlive
  // the server.
  void serve_status(StatusBoard& board, ReportPageProvider report_page);

  // Binds and starts serving on a background thread. Throws std::runtime_error when the address
  // cannot be bound.
  void start();
  // Stops serving and joins the thread; idempotent.
  void stop();
  int port() const { return port_; }

 private:
  class Impl;
  std::string listen_;
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
  int port_ = 0;
};

// Splits "host:port" (IPv6 as "[::1]:8080"); throws std::invalid_argument.
std::pair<std::string, int> parse_listen_address(const std::string& listen);

}  // namespace tributary::server
