#include "server/operations_server.h"

#include <httplib.h>
#include <openssl/crypto.h>
#include <sys/socket.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "util/json_writer.h"
#include "util/log.h"

namespace tributary::server {

std::pair<std::string, int> parse_listen_address(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) {
    throw std::invalid_argument("listen address '" + listen + "' is not host:port");
  }
  std::string host = listen.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    std::size_t used = 0;
    port = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    throw std::invalid_argument("listen address '" + listen + "' has no valid port");
  }
  if (port < 0 || port > 65535) {
    throw std::invalid_argument("listen address '" + listen + "' has a port out of range");
  }
  return {host, port};
}

class OperationsServer::Impl {
 public:
  Impl(OperationsServerOptions options, MetricsRegistry& metrics,
       std::vector<ReadinessCheck> readiness, WebhookHandler webhook)
      : options_(std::move(options)),
        metrics_(metrics),
        readiness_(std::move(readiness)),
        webhook_(std::move(webhook)),
        requests_(metrics.counter("tributary_http_requests_total",
                                  "HTTP requests answered by the operations server")),
        webhook_rejected_(
            metrics.counter("tributary_webhook_rejected_total",
                            "Webhook requests refused (bad token, bad body or too large)")) {
    // SO_REUSEADDR only: httplib's default also sets SO_REUSEPORT, which would let a second
    // tributary bind the same port and silently receive half of the webhooks.
    server_.set_socket_options([](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    server_.set_payload_max_length(options_.max_body_bytes);
    server_.set_read_timeout(10, 0);
    server_.set_write_timeout(10, 0);
    server_.set_pre_routing_handler([this](const httplib::Request&, httplib::Response&) {
      requests_.inc();
      return httplib::Server::HandlerResponse::Unhandled;
    });
    server_.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("ok\n", "text/plain");
    });
    server_.Get("/readyz",
                [this](const httplib::Request&, httplib::Response& res) { readyz(res); });
    server_.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(metrics_.render(), "text/plain; version=0.0.4; charset=utf-8");
    });
    // MinIO probes a webhook target with an unauthenticated HEAD before it sends events; httplib
    // answers HEAD from the GET handler (headers only).
    server_.Get("/hooks/minio", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("POST S3 event notifications here\n", "text/plain");
    });
    server_.Post("/hooks/minio",
                 [this](const httplib::Request& req, httplib::Response& res) { hook(req, res); });
  }

  httplib::Server& server() { return server_; }

 private:
  void readyz(httplib::Response& res) {
    std::string body;
    util::JsonWriter w(body);
    bool ready = true;
    w.begin_object().key("checks").begin_object();
    for (const ReadinessCheck& c : readiness_) {
      std::optional<std::string> problem;
      try {
        problem = c.check();
      } catch (const std::exception& e) {
        problem = e.what();
      }
      w.key(c.name).value(problem ? util::redact(*problem) : std::string("ok"));
      ready = ready && !problem;
    }
    w.end_object().key("ready").value(ready).end_object();
    res.status = ready ? 200 : 503;
    res.set_content(body + "\n", "application/json");
  }

  void hook(const httplib::Request& req, httplib::Response& res) {
    if (!options_.webhook_token.empty()) {
      const std::string expected = "Bearer " + options_.webhook_token;
      const std::string& given = req.get_header_value("Authorization");
      if (given.size() != expected.size() ||
          CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0) {
        webhook_rejected_.inc();
        util::log_warn("webhook.unauthorized", {{"remote", req.remote_addr}});
        res.status = 401;
        res.set_content("missing or wrong bearer token\n", "text/plain");
        return;
      }
    }
    try {
      const std::size_t announced = webhook_(req.body);
      res.set_content("{\"objects\":" + std::to_string(announced) + "}\n", "application/json");
    } catch (const std::invalid_argument& e) {
      webhook_rejected_.inc();
      util::log_warn("webhook.bad_request", {{"reason", e.what()}});
      res.status = 400;
      res.set_content(std::string(e.what()) + "\n", "text/plain");
    }
  }

  OperationsServerOptions options_;
  MetricsRegistry& metrics_;
  std::vector<ReadinessCheck> readiness_;
  WebhookHandler webhook_;
  Counter& requests_;
  Counter& webhook_rejected_;
  httplib::Server server_;
};

OperationsServer::OperationsServer(OperationsServerOptions options, MetricsRegistry& metrics,
                                   std::vector<ReadinessCheck> readiness, WebhookHandler webhook)
    : listen_(options.listen),
      impl_(std::make_unique<Impl>(std::move(options), metrics, std::move(readiness),
                                   std::move(webhook))) {}

OperationsServer::~OperationsServer() {
  stop();
}

void OperationsServer::start() {
  if (thread_.joinable()) return;
  const auto [host, port] = parse_listen_address(listen_);
  httplib::Server& s = impl_->server();
  port_ = port == 0 ? s.bind_to_any_port(host) : (s.bind_to_port(host, port) ? port : -1);
  if (port_ <= 0) throw std::runtime_error("cannot listen on " + listen_);
  thread_ = std::thread([&s] { s.listen_after_bind(); });
  // httplib's stop() does nothing until the accept loop runs, so a stop() right after start()
  // would leave the thread serving forever: return only once the loop is up.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!s.is_running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("HTTP server on " + listen_ + " did not start");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  util::log_info("http.listening", {{"host", host}, {"port", port_}});
}

void OperationsServer::stop() {
  if (thread_.joinable()) {
    impl_->server().stop();
    thread_.join();
  }
}

}  // namespace tributary::server
