#include "server/head_gate.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <vector>

namespace tributary::server {

namespace {

// The longest a poll waits, so that deadlines are noticed without a timer per connection.
constexpr std::chrono::milliseconds kMaxPoll{100};

}  // namespace

HeadGate::HeadGate(std::size_t capacity, std::size_t max_head_bytes,
                   std::chrono::milliseconds timeout, Dispatch dispatch, OnEvict on_evict)
    : capacity_(std::max<std::size_t>(1, capacity)),
      max_head_bytes_(max_head_bytes),
      timeout_(timeout),
      dispatch_(std::move(dispatch)),
      on_evict_(std::move(on_evict)) {
  if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) {
    throw std::system_error(errno, std::generic_category(), "HeadGate: pipe");
  }
  thread_ = std::thread([this] { run(); });
}

HeadGate::~HeadGate() {
  shutdown();
  ::close(wake_[0]);
  ::close(wake_[1]);
}

void HeadGate::add(int sock) {
  bool evicted = false;
  {
    std::lock_guard lock(mu_);
    if (stopped_) {
      ::close(sock);
      return;
    }
    if (waiting_.size() >= capacity_) {
      ::close(waiting_.begin()->second.sock);
      waiting_.erase(waiting_.begin());
      evicted = true;
    }
    waiting_.emplace(next_id_++, Waiting{sock, {}, Clock::now() + timeout_});
  }
  wake();
  if (evicted) on_evict_();
}

void HeadGate::shutdown() {
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
  }
  wake();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  for (const auto& [id, w] : waiting_) ::close(w.sock);
  waiting_.clear();
}

void HeadGate::wake() {
  const char byte = 0;
  // A full pipe already holds a wake-up.
  [[maybe_unused]] const ssize_t n = ::write(wake_[1], &byte, 1);
}

void HeadGate::run() {
  std::vector<pollfd> fds;
  std::vector<std::uint64_t> ids;
  std::vector<Arrival> ready;
  char chunk[4096];
  for (;;) {
    fds.assign(1, pollfd{wake_[0], POLLIN, 0});
    ids.assign(1, 0);
    Clock::time_point until = Clock::now() + kMaxPoll;
    {
      std::lock_guard lock(mu_);
      if (stopped_) return;
      for (const auto& [id, w] : waiting_) {
        fds.push_back(pollfd{w.sock, POLLIN, 0});
        ids.push_back(id);
        until = std::min(until, w.deadline);
      }
    }
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now());
    if (::poll(fds.data(), fds.size(), static_cast<int>(std::max<long long>(0, wait.count()))) <
            0 &&
        errno != EINTR) {
      continue;
    }
    if (fds[0].revents != 0) {
      while (::read(wake_[0], chunk, sizeof chunk) > 0) {
      }
    }
    {
      std::lock_guard lock(mu_);
      if (stopped_) return;
      const Clock::time_point now = Clock::now();
      for (std::size_t i = 1; i < fds.size(); ++i) {
        const auto it = waiting_.find(ids[i]);
        if (it == waiting_.end()) continue;  // evicted during the poll
        Waiting& w = it->second;
        if (fds[i].revents == 0 && now < w.deadline) continue;
        bool closed = false;
        bool complete = false;
        while (!complete && w.bytes.size() <= max_head_bytes_) {
          const ssize_t n = ::recv(w.sock, chunk, sizeof chunk, MSG_DONTWAIT);
          if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) break;
          if (n <= 0) {
            closed = true;
            break;
          }
          const std::size_t from = w.bytes.size() < 3 ? 0 : w.bytes.size() - 3;
          w.bytes.append(chunk, static_cast<std::size_t>(n));
          complete = w.bytes.find("\r\n\r\n", from) != std::string::npos;
        }
        if (closed && w.bytes.empty()) {
          ::close(w.sock);
        } else if (complete || closed || w.bytes.size() > max_head_bytes_ || now >= w.deadline) {
          ready.push_back(Arrival{w.sock, std::move(w.bytes), w.deadline});
        } else {
          continue;
        }
        waiting_.erase(it);
      }
    }
    for (Arrival& a : ready) dispatch_(std::move(a));
    ready.clear();
  }
}

}  // namespace tributary::server
