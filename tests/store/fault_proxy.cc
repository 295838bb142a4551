#include "fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <stdexcept>

namespace tributary::testing {

namespace {

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::size_t content_length(std::string_view headers) {
  std::string lower(headers);
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  const std::size_t at = lower.find("\r\ncontent-length:");
  if (at == std::string::npos) return 0;
  return std::stoul(lower.substr(at + 17));
}

// Reads one request (headers and Content-Length body) from a keep-alive connection.
std::optional<std::string> read_request(int fd, std::string& buffer) {
  char chunk[65536];
  for (;;) {
    const std::size_t end = buffer.find("\r\n\r\n");
    if (end != std::string::npos) {
      const std::size_t total = end + 4 + content_length(buffer.substr(0, end + 2));
      if (buffer.size() >= total) {
        std::string request = buffer.substr(0, total);
        buffer.erase(0, total);
        return request;
      }
    }
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return std::nullopt;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
}

// The request with "Connection: close" so the upstream's response ends at EOF.
std::string with_connection_close(const std::string& request) {
  const std::size_t end = request.find("\r\n\r\n");
  std::string head = request.substr(0, end);
  std::string out;
  std::size_t pos = 0;
  while (pos <= head.size()) {
    std::size_t eol = head.find("\r\n", pos);
    if (eol == std::string::npos) eol = head.size();
    std::string line = head.substr(pos, eol - pos);
    std::string lower = line;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (lower.rfind("connection:", 0) != 0) out += line + "\r\n";
    pos = eol + 2;
  }
  return out + "Connection: close\r\n\r\n" + request.substr(end + 4);
}

std::optional<std::string> exchange_upstream(const std::string& host, int port,
                                             const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  std::optional<std::string> response;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      send_all(fd, with_connection_close(request))) {
    std::string data;
    char chunk[65536];
    ssize_t n;
    while ((n = ::recv(fd, chunk, sizeof chunk, 0)) > 0)
      data.append(chunk, static_cast<std::size_t>(n));
    response = std::move(data);
  }
  ::close(fd);
  return response;
}

std::string error_response(int status, const char* reason, const char* code,
                           const char* retry_after) {
  const std::string body =
      std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>") + code +
      "</Code><Message>injected by FaultProxy</Message>" + "<RequestId>PROXY" +
      std::to_string(status) + "</RequestId></Error>";
  std::string head =
      "HTTP/1.1 " + std::to_string(status) + " " + reason +
      "\r\nContent-Type: application/xml\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nx-amz-request-id: PROXY" + std::to_string(status) + "\r\n";
  if (retry_after != nullptr) head += std::string("Retry-After: ") + retry_after + "\r\n";
  return head + "\r\n" + body;
}

// The upstream response with "Connection: close" replaced by keep-alive framing for the client.
std::string keep_alive(const std::string& response) {
  const std::size_t end = response.find("\r\n\r\n");
  if (end == std::string::npos) return response;
  std::string head = response.substr(0, end);
  std::string lower = head;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  const std::size_t at = lower.find("\r\nconnection: close");
  if (at != std::string::npos) head.erase(at, std::strlen("\r\nconnection: close"));
  return head + "\r\n\r\n" + response.substr(end + 4);
}

// "GET /bucket/key?x HTTP/1.1" -> {"GET", "/bucket/key?x"}.
std::pair<std::string_view, std::string_view> request_line(std::string_view request) {
  const std::string_view line = request.substr(0, request.find("\r\n"));
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos) return {line, {}};
  const std::string_view rest = line.substr(space + 1);
  return {line.substr(0, space), rest.substr(0, rest.find(' '))};
}

std::string_view request_body(std::string_view request) {
  const std::size_t end = request.find("\r\n\r\n");
  return end == std::string_view::npos ? std::string_view() : request.substr(end + 4);
}

std::string control_response(const std::optional<std::string>& body) {
  const std::string text = body.value_or("{\"error\":\"unknown control request\"}");
  return std::string("HTTP/1.1 ") + (body ? "200 OK" : "404 Not Found") +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(text.size()) +
         "\r\n\r\n" + text;
}

constexpr std::pair<Fault, std::string_view> kFaultNames[] = {
    {Fault::kNone, "none"},
    {Fault::kSlowDown, "slow_down"},
    {Fault::kSlowDownRetryAfter1, "slow_down_retry_after_1"},
    {Fault::kServerError, "server_error"},
    {Fault::kResetMidBody, "reset"},
    {Fault::kTruncateBody, "truncate"},
    {Fault::kCorruptBody, "corrupt"},
    {Fault::kSlowResponse, "slow_response"},
    {Fault::kDropResponse, "drop"},
};

}  // namespace

std::string_view fault_name(Fault fault) {
  for (const auto& [f, name] : kFaultNames) {
    if (f == fault) return name;
  }
  return "none";
}

std::optional<Fault> fault_from_name(std::string_view name) {
  for (const auto& [f, n] : kFaultNames) {
    if (n == name) return f;
  }
  return std::nullopt;
}

FaultProxy::FaultProxy(std::string upstream_host, int upstream_port)
    : upstream_host_(std::move(upstream_host)), upstream_port_(upstream_port) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0) throw std::runtime_error("FaultProxy: socket failed");
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    throw std::runtime_error("FaultProxy: cannot listen on 127.0.0.1");
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

FaultProxy::~FaultProxy() {
  stopping_ = true;
  stop_cv_.notify_all();
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  ::close(listen_fd_);
  {
    std::lock_guard lock(mu_);
    for (int fd : client_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& t : workers_) t.join();
}

void FaultProxy::inject(std::initializer_list<Fault> faults, std::size_t repeat) {
  std::lock_guard lock(mu_);
  for (std::size_t i = 0; i < repeat; ++i) faults_.insert(faults_.end(), faults);
}

std::size_t FaultProxy::pending_faults() {
  std::lock_guard lock(mu_);
  return faults_.size();
}

void FaultProxy::set_random(RandomFaults faults) {
  std::lock_guard lock(mu_);
  rng_.seed(faults.seed);
  random_ = std::move(faults);
}

void FaultProxy::set_fault_rate(double rate) {
  std::lock_guard lock(mu_);
  random_.rate = rate;
}

FaultCounts FaultProxy::counts() {
  std::lock_guard lock(mu_);
  return counts_;
}

void FaultProxy::set_control(std::string prefix, ControlHandler handler) {
  std::lock_guard lock(mu_);
  control_prefix_ = std::move(prefix);
  control_ = std::move(handler);
}

std::pair<Fault, std::chrono::milliseconds> FaultProxy::next_fault(std::string_view method,
                                                                   std::string_view target) {
  std::lock_guard lock(mu_);
  ++counts_.requests;
  if (!faults_.empty()) {
    const Fault f = faults_.front();
    faults_.pop_front();
    ++counts_.faults[f];
    return {f, std::chrono::milliseconds(0)};
  }
  if ((!random_.method.empty() && method != random_.method) ||
      !target.starts_with(random_.path_prefix)) {
    return {Fault::kNone, std::chrono::milliseconds(0)};
  }
  ++counts_.matched;
  // Four draws per matching request whatever the settings, so that changing a rate does not
  // shift the sequence of the other draws.
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  const bool delay = coin(rng_) < random_.latency_rate;
  const auto latency = std::chrono::milliseconds(std::uniform_int_distribution<std::int64_t>(
      random_.latency_min.count(),
      std::max(random_.latency_min.count(), random_.latency_max.count()))(rng_));
  const bool faulty = coin(rng_) < random_.rate;
  unsigned total = 0;
  for (const auto& [f, weight] : random_.mix) total += weight;
  const unsigned pick = std::uniform_int_distribution<unsigned>(0, std::max(total, 1u) - 1)(rng_);
  Fault fault = Fault::kNone;
  if (faulty && total > 0) {
    unsigned acc = 0;
    for (const auto& [f, weight] : random_.mix) {
      acc += weight;
      if (pick < acc) {
        fault = f;
        break;
      }
    }
    const bool object_get = method == "GET" && target.find('?') == std::string_view::npos;
    if (fault == Fault::kCorruptBody && !object_get) fault = Fault::kNone;
  }
  if (delay) ++counts_.delayed;
  if (fault != Fault::kNone) ++counts_.faults[fault];
  return {fault, delay ? latency : std::chrono::milliseconds(0)};
}

void FaultProxy::accept_loop() {
  while (!stopping_) {
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) break;
    std::lock_guard lock(mu_);
    client_fds_.push_back(fd);
    workers_.emplace_back([this, fd] { serve(fd); });
  }
}

void FaultProxy::serve(int fd) {
  std::string buffer;
  while (!stopping_) {
    const auto request = read_request(fd, buffer);
    if (!request) break;
    const auto [method, target] = request_line(*request);
    ControlHandler control;
    {
      std::lock_guard lock(mu_);
      if (control_ && target.starts_with(control_prefix_)) control = control_;
    }
    if (control) {
      if (!send_all(fd, control_response(control(method, target, request_body(*request))))) break;
      continue;
    }
    ++requests_;
    const auto [fault, latency] = next_fault(method, target);
    if (latency.count() > 0) {
      // Ends early when the proxy shuts down.
      std::unique_lock lock(mu_);
      stop_cv_.wait_for(lock, latency, [this] { return stopping_.load(); });
    }
    if (fault == Fault::kSlowDown || fault == Fault::kSlowDownRetryAfter1) {
      if (!send_all(fd, error_response(503, "Slow Down", "SlowDown",
                                       fault == Fault::kSlowDown ? "0" : "1"))) {
        break;
      }
      continue;
    }
    if (fault == Fault::kServerError) {
      if (!send_all(fd, error_response(500, "Internal Server Error", "InternalError", nullptr))) {
        break;
      }
      continue;
    }
    auto response = exchange_upstream(upstream_host_, upstream_port_, *request);
    if (!response) break;
    std::string out = keep_alive(*response);
    const std::size_t body_at = out.find("\r\n\r\n") + 4;
    const std::size_t body_size = out.size() - body_at;
    if (fault == Fault::kDropResponse) break;
    if (fault == Fault::kResetMidBody || fault == Fault::kTruncateBody) {
      // Half the body; half the headers when there is no body (a PUT's response), or the cut
      // would deliver a complete response.
      send_all(fd, std::string_view(out).substr(
                       0, body_size > 0 ? body_at + body_size / 2 : body_at / 2));
      if (fault == Fault::kResetMidBody) {
        const linger reset{1, 0};  // close() then sends RST instead of FIN
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
      }
      break;
    }
    if (fault == Fault::kCorruptBody && body_size > 0) out[body_at + body_size / 2] ^= 0x20;
    if (fault == Fault::kSlowResponse) {
      // The delay the client must give up on; ends early when the proxy shuts down.
      std::unique_lock lock(mu_);
      stop_cv_.wait_for(lock, slow_delay, [this] { return stopping_.load(); });
    }
    if (!send_all(fd, out)) break;
  }
  std::lock_guard lock(mu_);
  client_fds_.erase(std::remove(client_fds_.begin(), client_fds_.end(), fd), client_fds_.end());
  ::close(fd);
}

}  // namespace tributary::testing
