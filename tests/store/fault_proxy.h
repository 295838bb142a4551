// FaultProxy: an HTTP/1.1 proxy between S3Store and s3rver that breaks chosen responses the way
// networks and overloaded servers do. Test-only; listens on 127.0.0.1 on a port the kernel picks.
//
// Each request takes the next queued Fault (or kNone when the queue is empty) and is forwarded
// to the upstream on a fresh connection ("Connection: close"), except kSlowDown and kServerError,
// which answer without forwarding. Client connections are kept alive otherwise, so the client's
// connection reuse still works through the proxy.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tributary::testing {

enum class Fault {
  kNone,
  kSlowDown,             // 503 with S3's SlowDown error XML and Retry-After: 0
  kSlowDownRetryAfter1,  // the same with Retry-After: 1
  kServerError,          // 500 InternalError
  kResetMidBody,  // forwards, sends headers and half the body, then resets (RST) the connection
  kTruncateBody,  // forwards, sends headers and half the body, then closes cleanly (FIN)
  kCorruptBody,   // forwards, flips one byte in the middle of the body
  kSlowResponse,  // forwards, then waits `slow_delay` before answering
  kDropResponse,  // forwards (so the request takes effect), then closes without answering
};

class FaultProxy {
 public:
  FaultProxy(std::string upstream_host, int upstream_port);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Queues faults for the next requests, in order.
  void inject(std::initializer_list<Fault> faults, std::size_t repeat = 1);
  std::size_t requests() const { return requests_.load(); }
  std::size_t pending_faults();

  std::chrono::milliseconds slow_delay{2000};

 private:
  void accept_loop();
  void serve(int client_fd);
  Fault next_fault();

  std::string upstream_host_;
  int upstream_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> requests_{0};
  std::mutex mu_;
  std::condition_variable stop_cv_;
  std::deque<Fault> faults_;
  std::thread acceptor_;
  std::vector<std::thread> workers_;
  std::vector<int> client_fds_;
};

}  // namespace tributary::testing
