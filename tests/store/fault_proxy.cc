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

}  // namespace

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

Fault FaultProxy::next_fault() {
  std::lock_guard lock(mu_);
  if (faults_.empty()) return Fault::kNone;
  const Fault f = faults_.front();
  faults_.pop_front();
  return f;
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
    ++requests_;
    const Fault fault = next_fault();
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
      send_all(fd, std::string_view(out).substr(0, body_at + body_size / 2));
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
