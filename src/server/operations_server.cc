#include "server/operations_server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netdb.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "server/head_gate.h"
#include "server/status_page.h"
#include "util/base64.h"
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

namespace {

using Clock = std::chrono::steady_clock;

// What one connection may cost (OperationsServerOptions).
struct ConnectionLimits {
  std::size_t max_header_bytes;
  std::size_t max_body_wire_bytes;  // the body as sent: payload plus chunked framing
  std::chrono::milliseconds request_timeout;
  std::chrono::milliseconds write_timeout;
};

// The client socket of one request, holding what httplib reads from it to ConnectionLimits.
// httplib 0.11 reads a header line of any length, any number of header lines and chunked bodies
// of any size, and its timeouts restart with every byte; here reads fail (-1) once the head has
// used max_header_bytes, the body max_body_wire_bytes, or the request has passed its deadline
// (request_timeout after the connection arrived), so a client can hold a thread and memory only
// within those bounds. `received` is what the HeadGate already read from the socket.
class BoundedStream final : public httplib::Stream {
 public:
  enum class Cut { kNone, kHeadTooLarge, kBodyTooLarge, kTimeout };

  BoundedStream(int sock, const ConnectionLimits& limits, const std::atomic<int>& listening,
                std::string received, Clock::time_point deadline)
      : sock_(sock),
        limits_(limits),
        listening_(listening),
        read_deadline_(deadline),
        received_(std::move(received)) {}

  bool is_readable() const override {
    return offset_ < filled_ || taken_ < received_.size() ||
           wait(POLLIN, read_deadline_) == Wait::kReady;
  }
  bool is_writable() const override { return wait(POLLOUT, write_deadline()) == Wait::kReady; }

  ssize_t read(char* ptr, size_t size) override {
    if (cut_ != Cut::kNone) return -1;
    if (offset_ == filled_ && taken_ < received_.size()) {
      filled_ = std::min(sizeof buffer_, received_.size() - taken_);
      std::memcpy(buffer_, received_.data() + taken_, filled_);
      taken_ += filled_;
      offset_ = 0;
    }
    if (offset_ == filled_) {
      const Wait w = wait(POLLIN, read_deadline_);
      if (w != Wait::kReady) {
        if (w == Wait::kTimeout) cut_ = Cut::kTimeout;
        return -1;
      }
      const ssize_t n = ::recv(sock_, buffer_, sizeof buffer_, 0);
      if (n <= 0) return n;
      offset_ = 0;
      filled_ = static_cast<std::size_t>(n);
    }
    std::size_t n = std::min(size, filled_ - offset_);
    if (in_head_) {
      // The head ends at the first empty line; bytes after it are the body's, counted apart.
      for (std::size_t i = 0; i < n; ++i) {
        last4_ = (last4_ << 8) | static_cast<unsigned char>(buffer_[offset_ + i]);
        if (last4_ == 0x0d0a0d0a) {
          n = i + 1;
          in_head_ = false;
          break;
        }
      }
      head_bytes_ += n;
      if (head_bytes_ > limits_.max_header_bytes) cut_ = Cut::kHeadTooLarge;
    } else {
      body_bytes_ += n;
      if (body_bytes_ > limits_.max_body_wire_bytes) cut_ = Cut::kBodyTooLarge;
    }
    if (cut_ != Cut::kNone) return -1;
    std::memcpy(ptr, buffer_ + offset_, n);
    offset_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!write_deadline_) write_deadline_ = Clock::now() + limits_.write_timeout;
    if (wait(POLLOUT, *write_deadline_) != Wait::kReady) return -1;
    const ssize_t n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
    if (n > 0) written_ += static_cast<std::size_t>(n);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    address(&getpeername, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    address(&getsockname, ip, port);
  }
  socket_t socket() const override { return sock_; }

  Cut cut() const { return cut_; }
  std::size_t written() const { return written_; }

 private:
  Clock::time_point write_deadline() const {
    return write_deadline_.value_or(Clock::now() + limits_.write_timeout);
  }

  enum class Wait { kReady, kTimeout, kFailed };

  // Waits until the socket is ready for `events`, in short slices so that a server stopping
  // (its listening socket closed) ends the wait at once.
  Wait wait(short events, Clock::time_point deadline) const {
    for (;;) {
      if (listening_.load() == INVALID_SOCKET) return Wait::kFailed;
      const auto now = Clock::now();
      if (now >= deadline) return Wait::kTimeout;
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
      pollfd p{sock_, events, 0};
      const int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 100)));
      if (r > 0) return (p.revents & events) != 0 ? Wait::kReady : Wait::kFailed;
      if (r < 0 && errno != EINTR) return Wait::kFailed;
    }
  }

  using NameFunction = int (*)(int, sockaddr*, socklen_t*);
  void address(NameFunction name, std::string& ip, int& port) const {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    char host[NI_MAXHOST] = "";
    char service[NI_MAXSERV] = "0";
    if (name(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host, sizeof host, service,
                  sizeof service, NI_NUMERICHOST | NI_NUMERICSERV);
    }
    ip = host;
    port = std::atoi(service);
  }

  int sock_;
  const ConnectionLimits& limits_;
  const std::atomic<int>& listening_;
  Clock::time_point read_deadline_;
  std::string received_;
  std::size_t taken_ = 0;  // of received_, moved to buffer_
  std::optional<Clock::time_point> write_deadline_;
  char buffer_[4096];
  std::size_t offset_ = 0;
  std::size_t filled_ = 0;
  bool in_head_ = true;
  std::uint32_t last4_ = 0;
  std::size_t head_bytes_ = 0;
  std::size_t body_bytes_ = 0;
  std::size_t written_ = 0;
  Cut cut_ = Cut::kNone;
};

// The stream the current thread is serving, for the error handler (httplib passes it only the
// request and the response).
thread_local const BoundedStream* current_stream = nullptr;

// The serving threads, with a bounded queue: when every thread is busy and `max_queued`
// connections wait, the HeadGate waits too (reading no more heads), and further clients wait in
// the gate.
class BoundedTaskQueue final : public httplib::TaskQueue {
 public:
  BoundedTaskQueue(std::size_t threads, std::size_t max_queued) : max_queued_(max_queued) {
    for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
  }
  ~BoundedTaskQueue() override = default;

  void enqueue(std::function<void()> fn) override {
    std::unique_lock lock(mutex_);
    space_.wait(lock, [this] { return jobs_.size() < max_queued_ || shutdown_; });
    jobs_.push_back(std::move(fn));
    ready_.notify_one();
  }

  // Runs the queued jobs (each bounded by the connection limits), then joins the threads.
  void shutdown() override {
    {
      std::lock_guard lock(mutex_);
      shutdown_ = true;
    }
    ready_.notify_all();
    space_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

 private:
  void work() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [this] { return !jobs_.empty() || shutdown_; });
        if (jobs_.empty()) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      space_.notify_one();
      job();
    }
  }

  const std::size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable space_;
  std::deque<std::function<void()>> jobs_;
  bool shutdown_ = false;
  std::vector<std::thread> threads_;
};

// httplib's server, serving one request per connection on a BoundedStream. One request per
// connection also means a request whose body was refused unread can never be taken for the next
// request on the same connection.
//
// Slow clients and probes: httplib gives each accepted connection a thread, which then waits for
// the request; eight clients that connect and send nothing held all eight threads for the whole
// request timeout, and /healthz waited behind them (10 s for eight, 30 s for twenty-four). Here
// httplib's accept loop hands connections to a HeadGate, one thread polling every connection
// until its request head has arrived, and only complete heads take a serving thread. Not a
// shorter timeout for the head (a probe would still wait behind enough idle clients) nor more
// threads (any number is exhausted by as many idle connections): what a probe needs is that no
// thread waits for a client to speak. Once a head has arrived, what a handler may wait on is
// bounded apart: dependency slots, webhook bodies within them, GET bodies refused.
class HardenedServer final : public httplib::Server {
 public:
  explicit HardenedServer(const ConnectionLimits& limits) : limits_(limits) {}
  ~HardenedServer() override { stop_serving(); }

  // Starts the serving threads and the gate in front of them; once, before listening.
  void start_workers(std::size_t threads, std::size_t max_queued, std::size_t max_waiting_heads,
                     Counter& evicted) {
    workers_ = std::make_unique<BoundedTaskQueue>(threads, max_queued);
    gate_ = std::make_unique<HeadGate>(
        max_waiting_heads, limits_.max_header_bytes, limits_.request_timeout,
        [this](HeadGate::Arrival a) { workers_->enqueue([this, a = std::move(a)] { serve(a); }); },
        [&evicted] { evicted.inc(); });
    new_task_queue = [this] { return new GateQueue(*this); };
  }

 private:
  // What httplib's accept loop enqueues runs at once on that loop: it only hands the connection
  // to the gate (process_and_close_socket). Its shutdown (the loop has ended) stops the rest.
  class GateQueue final : public httplib::TaskQueue {
   public:
    explicit GateQueue(HardenedServer& server) : server_(server) {}
    void enqueue(std::function<void()> fn) override { fn(); }
    void shutdown() override { server_.stop_serving(); }

   private:
    HardenedServer& server_;
  };

  // The gate first (it dispatches to the workers), then the workers, which finish their queue:
  // the listening socket is closed by now, so every wait in it ends at once.
  void stop_serving() {
    if (gate_) gate_->shutdown();
    if (workers_) workers_->shutdown();
    gate_.reset();
    workers_.reset();
  }

  bool process_and_close_socket(socket_t sock) override {
    gate_->add(sock);
    return true;
  }

  void serve(const HeadGate::Arrival& arrival) {
    const int sock = arrival.sock;
    BoundedStream stream(sock, limits_, svr_sock_, arrival.bytes, arrival.deadline);
    current_stream = &stream;
    bool connection_closed = false;
    process_request(stream, /*close_connection=*/true, connection_closed, nullptr);
    current_stream = nullptr;
    // A request line cut short gets no answer from httplib: give the client the reason.
    if (stream.written() == 0 && stream.cut() != BoundedStream::Cut::kNone) {
      const char* status = stream.cut() == BoundedStream::Cut::kTimeout
                               ? "408 Request Timeout"
                               : "431 Request Header Fields Too Large";
      const std::string reply =
          std::string("HTTP/1.1 ") + status + "\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
      stream.write(reply.data(), reply.size());
    }
    close_gracefully(sock);
  }

  // Closing a socket with unread input makes the kernel send a reset, which can destroy the
  // response before the client reads it (a 413 while the client still sends its body). So the
  // write side is shut first and a bounded amount of input is drained.
  static void close_gracefully(int sock) {
    ::shutdown(sock, SHUT_WR);
    const auto until = Clock::now() + std::chrono::seconds(1);
    char sink[4096];
    std::size_t drained = 0;
    while (drained < (std::size_t{1} << 20) && Clock::now() < until) {
      pollfd p{sock, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      const ssize_t n = ::recv(sock, sink, sizeof sink, 0);
      if (n <= 0) break;
      drained += static_cast<std::size_t>(n);
    }
    ::close(sock);
  }

  const ConnectionLimits& limits_;
  std::unique_ptr<BoundedTaskQueue> workers_;
  std::unique_ptr<HeadGate> gate_;
};

constexpr std::string_view kWebhookPath = "/hooks/minio";

// Whether `given` equals `expected`, in a time that depends on neither (not even their lengths):
// both are hashed and the digests compared with CRYPTO_memcmp.
bool same_secret(std::string_view given, std::string_view expected) {
  unsigned char a[SHA256_DIGEST_LENGTH];
  unsigned char b[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(given.data()), given.size(), a);
  SHA256(reinterpret_cast<const unsigned char*>(expected.data()), expected.size(), b);
  return CRYPTO_memcmp(a, b, sizeof a) == 0;
}

// Paths open whatever the status token: probes an orchestrator calls without credentials, the
// metrics (counts, no data) and the webhook, which has a token of its own.
bool open_without_status_token(std::string_view path) {
  return path == "/healthz" || path == "/readyz" || path == "/metrics" || path == kWebhookPath;
}

bool is_loopback(std::string_view host) {
  return host.starts_with("127.") || host == "localhost" || host == "::1";
}

// Whether a Host header names this machine's loopback interface: localhost (and its subdomains,
// which browsers resolve to loopback themselves), 127.0.0.0/8 written as an address, or [::1].
// A name the attacker's DNS answers (127.example.com included) is not.
bool is_loopback_host_header(std::string_view host) {
  std::string name(host.starts_with('[') ? host.substr(0, host.find(']') + 1)
                                         : host.substr(0, host.rfind(':')));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (name.ends_with('.')) name.pop_back();
  if (name == "localhost" || name.ends_with(".localhost") || name == "[::1]") return true;
  in_addr address{};
  return inet_pton(AF_INET, name.c_str(), &address) == 1 && (ntohl(address.s_addr) >> 24) == 127;
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 18 && s.find_first_not_of("0123456789") == std::string::npos;
}

// The reason of the error statuses httplib answers by itself or the limits above produce.
std::string_view reason(int status) {
  switch (status) {
    case 400:
      return "bad request";
    case 404:
      return "not found";
    case 408:
      return "request not received in time";
    case 411:
      return "Content-Length required";
    case 413:
      return "request body too large";
    case 414:
      return "request URI too long";
    case 416:
      return "bad Range header";
    case 431:
      return "request header fields too large";
    default:
      return "error";
  }
}

constexpr std::size_t kMaxHeaderCount = 100;

// One of the threads that may wait on the source, the lake or the databases, held for the
// lifetime of the object when taken() (see OperationsServer::Impl::dependency_slots_).
class DependencySlot {
 public:
  DependencySlot(std::atomic<std::size_t>& in_use, std::size_t slots) : in_use_(in_use) {
    taken_ = in_use_.fetch_add(1) < slots;
    if (!taken_) in_use_.fetch_sub(1);
  }
  ~DependencySlot() {
    if (taken_) in_use_.fetch_sub(1);
  }
  DependencySlot(const DependencySlot&) = delete;
  DependencySlot& operator=(const DependencySlot&) = delete;

  // False: every slot is taken; the response says so (503, retry in a second).
  bool taken(httplib::Response& res) const {
    if (!taken_) {
      res.status = 503;
      res.set_header("Retry-After", "1");
      res.set_content(
          "busy: every thread that may wait on the source, the lake or the database "
          "is waiting\n",
          "text/plain");
    }
    return taken_;
  }

 private:
  std::atomic<std::size_t>& in_use_;
  bool taken_;
};

}  // namespace

class OperationsServer::Impl {
 public:
  Impl(OperationsServerOptions options, MetricsRegistry& metrics,
       std::vector<ReadinessCheck> readiness, WebhookHandler webhook)
      : options_(std::move(options)),
        limits_{options_.max_header_bytes, 2 * options_.max_body_bytes + 4096,
                options_.request_timeout, options_.write_timeout},
        server_(limits_),
        metrics_(metrics),
        readiness_(std::move(readiness)),
        webhook_(std::move(webhook)),
        requests_(metrics.counter("tributary_http_requests_total",
                                  "HTTP requests answered by the operations server")),
        webhook_rejected_(
            metrics.counter("tributary_webhook_rejected_total",
                            "Webhook requests refused (bad token, bad body, too large or busy)")) {
    // SO_REUSEADDR only: httplib's default also sets SO_REUSEPORT, which would let a second
    // tributary bind the same port and silently receive half of the webhooks.
    server_.set_socket_options([](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    const std::size_t threads = std::max<std::size_t>(1, options_.threads);
    dependency_slots_ = std::max<std::size_t>(1, threads - 1);
    threads_ = threads;
    // Socket-level timeouts under the stream's own deadlines, and httplib's own body limit
    // under the webhook's.
    server_.set_read_timeout(std::chrono::duration_cast<std::chrono::seconds>(
                                 options_.request_timeout + std::chrono::milliseconds(999))
                                 .count(),
                             0);
    server_.set_write_timeout(std::chrono::duration_cast<std::chrono::seconds>(
                                  options_.write_timeout + std::chrono::milliseconds(999))
                                  .count(),
                              0);
    server_.set_payload_max_length(options_.max_body_bytes);
    server_.set_expect_100_continue_handler(
        [this](const httplib::Request& req, httplib::Response& res) {
          return admit(req, res) ? 100 : res.status;
        });
    server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      requests_.inc();
      return admit(req, res) ? httplib::Server::HandlerResponse::Unhandled
                             : httplib::Server::HandlerResponse::Handled;
    });
    // Every response, refusals and errors included: the pages show raw bucket contents and, with
    // a status token, what only its holders may see, so none may be sniffed into another type,
    // framed, cached, or run a script but the status page's own.
    server_.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
      res.set_header("Content-Security-Policy", status_page_csp());
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_header("X-Frame-Options", "DENY");
      res.set_header("Cache-Control", "no-store");
      res.set_header("Referrer-Policy", "no-referrer");
    });
    server_.set_error_handler(
        httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
          explain_error(res);
          return httplib::Server::HandlerResponse::Handled;
        }));
    server_.set_exception_handler(
        [](const httplib::Request& req, httplib::Response& res, std::exception_ptr error) {
          std::string why = "unknown exception";
          try {
            std::rethrow_exception(error);
          } catch (const std::exception& e) {
            why = e.what();
          } catch (...) {
          }
          util::log_error("http.handler_failed", {{"path", req.path}, {"error", why}});
          res.status = 500;
          res.set_content("internal error (logged)\n", "text/plain");
        });
    server_.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("ok\n", "text/plain");
    });
    server_.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
      const DependencySlot slot(dependency_calls_, dependency_slots_);
      if (slot.taken(res)) readyz(res);
    });
    server_.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(metrics_.render(), "text/plain; version=0.0.4; charset=utf-8");
    });
    // MinIO probes a webhook target with an unauthenticated HEAD before it sends events; httplib
    // answers HEAD from the GET handler (headers only).
    server_.Get(std::string(kWebhookPath), [](const httplib::Request&, httplib::Response& res) {
      res.set_content("POST S3 event notifications here\n", "text/plain");
    });
    server_.Post(std::string(kWebhookPath),
                 [this](const httplib::Request&, httplib::Response& res,
                        const httplib::ContentReader& read) { hook(res, read); });
  }

  httplib::Server& server() { return server_; }
  void start_workers() {
    server_.start_workers(
        threads_, std::max<std::size_t>(1, options_.max_queued),
        std::max<std::size_t>(1, options_.max_waiting_heads),
        metrics_.counter("tributary_http_connections_evicted_total",
                         "Connections closed before their request head arrived, to "
                         "let a newer one in (more were waiting than the server holds)"));
  }
  bool serves_status() const { return serves_status_; }
  bool has_status_token() const { return !options_.status_token.empty(); }
  void set_loopback_only(bool loopback_only) { loopback_only_ = loopback_only; }
  void serve_status(StatusBoard& board, ReportPageProvider report_page) {
    serves_status_ = true;
    server_.Get("/", [](const httplib::Request&, httplib::Response& res) {
      const std::string_view page = status_page_html();
      res.set_content(page.data(), page.size(), "text/html; charset=utf-8");
    });
    server_.Get("/status.json", [this, &board](const httplib::Request&, httplib::Response& res) {
      const DependencySlot slot(dependency_calls_, dependency_slots_);  // the top lists
      if (slot.taken(res)) res.set_content(board.json(), "application/json");
    });
    if (!report_page) return;
    board.set_report_link("report");
    server_.Get("/report", [this, report_page](const httplib::Request&, httplib::Response& res) {
      const DependencySlot slot(dependency_calls_, dependency_slots_);
      if (!slot.taken(res)) return;
      try {
        res.set_content(report_page(), "text/html; charset=utf-8");
      } catch (const std::exception& e) {
        const std::string why = util::redact(e.what());
        util::log_warn("http.report_failed", {{"error", why}});
        res.status = 503;
        res.set_content("report unavailable: " + why + "\n", "text/plain");
      }
    });
  }

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

  // Decides from the request line and headers alone, before any body is read, whether the request
  // may proceed; if not, sets the response (status and reason) and returns false.
  bool admit(const httplib::Request& req, httplib::Response& res) {
    const auto refuse = [&](int status, std::string reason) {
      res.status = status;
      res.set_content(std::move(reason) + "\n", "text/plain");
      if (req.path == kWebhookPath) webhook_rejected_.inc();
      return false;
    };
    // httplib adds four headers of its own (REMOTE_ADDR, ...).
    if (req.headers.size() > kMaxHeaderCount + 4) return refuse(431, "too many header fields");
    // RFC 9112 3.2: which of two Hosts a proxy in front used is unknowable.
    if (req.get_header_value_count("Host") > 1) return refuse(400, "more than one Host header");
    const bool webhook = req.method == "POST" && req.path == kWebhookPath;
    if (req.method != "GET" && req.method != "HEAD" && !webhook) {
      res.set_header("Allow", req.path == kWebhookPath ? "GET, HEAD, POST" : "GET, HEAD");
      return refuse(405, "method not allowed");
    }
    if (req.get_header_value_count("Content-Encoding") > 0 &&
        req.get_header_value("Content-Encoding") != "identity") {
      return refuse(415, "compressed request bodies are not accepted");
    }
    const std::size_t lengths = req.get_header_value_count("Content-Length");
    if (req.get_header_value_count("Transfer-Encoding") > 0) {
      const std::string coding = req.get_header_value("Transfer-Encoding");
      if (req.get_header_value_count("Transfer-Encoding") > 1 ||
          strcasecmp(coding.c_str(), "chunked") != 0) {
        return refuse(501, "only the chunked transfer coding is implemented");
      }
      if (lengths > 0) return refuse(400, "both Transfer-Encoding and Content-Length");
    }
    if (lengths > 1) return refuse(400, "more than one Content-Length");
    const bool chunked = req.get_header_value_count("Transfer-Encoding") > 0;
    // Without either, the body would run to the end of input: the client's choice, while the
    // thread waits for it (RFC 9110 15.5.12).
    if (webhook && lengths == 0 && !chunked) return refuse(411, "Content-Length required");
    // No GET or HEAD route reads a body, and httplib would wait for one before the handler:
    // refused unread, so no request but the webhook's (within its slots) waits on a body.
    if (!webhook && (chunked || (lengths == 1 && req.get_header_value("Content-Length") != "0"))) {
      return refuse(400, "a " + req.method + " request takes no body");
    }
    if (lengths == 1) {
      const std::string length = req.get_header_value("Content-Length");
      if (!all_digits(length)) return refuse(400, "Content-Length is not a number");
      if (std::stoull(length) > options_.max_body_bytes) {
        return refuse(413,
                      "request body over " + std::to_string(options_.max_body_bytes) + " bytes");
      }
    }
    if (!options_.status_token.empty() && !open_without_status_token(req.path)) {
      const std::string given = req.get_header_value("Authorization");
      // Both compared, so the time says nothing about which form was tried.
      const bool bearer = same_secret(given, "Bearer " + options_.status_token);
      const bool basic =
          same_secret(given, "Basic " + util::base64("tributary:" + options_.status_token));
      if (!bearer && !basic) {
        util::log_warn("http.unauthorized", {{"remote", req.remote_addr}, {"path", req.path}});
        res.set_header("WWW-Authenticate", "Basic realm=\"tributary\", charset=\"UTF-8\"");
        return refuse(401, "missing or wrong credentials");
      }
    }
    if (loopback_only_ && options_.status_token.empty() && !open_without_status_token(req.path) &&
        req.has_header("Host") && !is_loopback_host_header(req.get_header_value("Host"))) {
      util::log_warn("http.foreign_host", {{"remote", req.remote_addr}, {"path", req.path}});
      return refuse(403,
                    "without a status token the pages answer only at a loopback name "
                    "(127.0.0.1, localhost); set TRIBUTARY_STATUS_TOKEN to serve them under "
                    "another name");
    }
    if (webhook && !options_.webhook_token.empty() &&
        !same_secret(req.get_header_value("Authorization"), "Bearer " + options_.webhook_token)) {
      util::log_warn("webhook.unauthorized", {{"remote", req.remote_addr}});
      return refuse(401, "missing or wrong bearer token");
    }
    return true;
  }

  // Responses httplib makes on its own (a malformed request line, an unknown path, ...) get a
  // reason; a request the stream cut short gets the status that says why.
  static void explain_error(httplib::Response& res) {
    if (current_stream != nullptr && res.status == 400) {
      switch (current_stream->cut()) {
        case BoundedStream::Cut::kHeadTooLarge:
          res.status = 431;
          break;
        case BoundedStream::Cut::kBodyTooLarge:
          res.status = 413;
          break;
        case BoundedStream::Cut::kTimeout:
          res.status = 408;
          break;
        case BoundedStream::Cut::kNone:
          break;
      }
    }
    if (res.body.empty()) res.set_content(std::string(reason(res.status)) + "\n", "text/plain");
  }

  void hook(httplib::Response& res, const httplib::ContentReader& read) {
    // Refused unread when busy: the hint is lost, the next listing finds the object anyway.
    const DependencySlot slot(dependency_calls_, dependency_slots_);
    if (!slot.taken(res)) {
      webhook_rejected_.inc();
      return;
    }
    // The body is read here, not by httplib, so that a chunked body is held to max_body_bytes
    // too (httplib checks only Content-Length).
    std::string body;
    bool too_large = false;
    const bool complete = read([&](const char* data, std::size_t n) {
      if (body.size() + n > options_.max_body_bytes) {
        too_large = true;
        return false;
      }
      body.append(data, n);
      return true;
    });
    if (!complete || too_large) {
      webhook_rejected_.inc();
      too_large = too_large || (current_stream != nullptr &&
                                current_stream->cut() == BoundedStream::Cut::kBodyTooLarge);
      res.status = too_large ? 413 : 400;
      res.set_content(
          too_large ? "request body over " + std::to_string(options_.max_body_bytes) + " bytes\n"
                    : std::string("incomplete request body\n"),
          "text/plain");
      return;
    }
    try {
      const std::size_t announced = webhook_(body);
      res.set_content("{\"objects\":" + std::to_string(announced) + "}\n", "application/json");
    } catch (const std::invalid_argument& e) {
      webhook_rejected_.inc();
      const std::string why = util::redact(e.what());
      util::log_warn("webhook.bad_request", {{"reason", why}});
      res.status = 400;
      res.set_content(why + "\n", "text/plain");
    }
  }

  OperationsServerOptions options_;
  ConnectionLimits limits_;
  HardenedServer server_;
  MetricsRegistry& metrics_;
  std::vector<ReadinessCheck> readiness_;
  WebhookHandler webhook_;
  Counter& requests_;
  Counter& webhook_rejected_;
  bool serves_status_ = false;  // serve_status() was called
  // Bound to a loopback address (start()). Without a status token the pages are then open
  // because only this machine reaches them, which DNS rebinding would defeat (a web page whose
  // name re-resolves to 127.0.0.1 reads them with the browser's help): such requests carry the
  // page's own name as Host, so the pages answer only loopback names.
  bool loopback_only_ = false;
  // Handlers that may wait on the source, the lake or the databases (/readyz, /status.json,
  // /report, the webhook) run on at most dependency_slots_ threads at once, one fewer than the
  // server has (when it has more than one); the others are answered 503 at once. So however long
  // an outage makes them hang, a thread stays free for /healthz and /metrics.
  std::size_t dependency_slots_ = 1;
  std::atomic<std::size_t> dependency_calls_{0};
  std::size_t threads_ = 1;
};

OperationsServer::OperationsServer(OperationsServerOptions options, MetricsRegistry& metrics,
                                   std::vector<ReadinessCheck> readiness, WebhookHandler webhook)
    : listen_(options.listen),
      impl_(std::make_unique<Impl>(std::move(options), metrics, std::move(readiness),
                                   std::move(webhook))) {}

OperationsServer::~OperationsServer() {
  stop();
}

void OperationsServer::serve_status(StatusBoard& board, ReportPageProvider report_page) {
  impl_->serve_status(board, std::move(report_page));
}

void OperationsServer::start() {
  if (thread_.joinable()) return;
  const auto [host, port] = parse_listen_address(listen_);
  impl_->set_loopback_only(is_loopback(host));
  httplib::Server& s = impl_->server();
  // httplib reports only failure; errno still holds why the last address would not bind (it
  // closes that socket after, which leaves errno alone on success).
  errno = 0;
  port_ = port == 0 ? s.bind_to_any_port(host) : (s.bind_to_port(host, port) ? port : -1);
  if (port_ <= 0) {
    const int why = errno;
    throw std::runtime_error("cannot listen on " + listen_ +
                             (why != 0 ? std::string(": ") + std::strerror(why) : std::string()));
  }
  impl_->start_workers();
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
  if (impl_->serves_status() && !impl_->has_status_token() && !is_loopback(host)) {
    util::log_warn(
        "http.status_unprotected",
        {{"host", host},
         {"port", port_},
         {"why", std::string("the status page (quarantined raw lines) and the report are "
                             "open to anyone who reaches the port; set "
                             "TRIBUTARY_STATUS_TOKEN")}});
  }
}

void OperationsServer::stop() {
  if (thread_.joinable()) {
    impl_->server().stop();
    thread_.join();
  }
}

}  // namespace tributary::server
