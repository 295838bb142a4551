// FaultProxy: an HTTP/1.1 proxy between S3Store and s3rver that breaks chosen responses the way
// networks and overloaded servers do. Test-only; listens on 127.0.0.1 on a port the kernel picks.
//
// Each request takes the next queued Fault, or, when the queue is empty, one drawn at random
// (set_random: a share of the requests that match a method and a path prefix, for end-to-end
// runs; seeded, so one thread's sequence of draws repeats), or kNone. It is forwarded to the
// upstream on a fresh connection ("Connection: close"), except kSlowDown and kServerError,
// which answer without forwarding. Client connections are kept alive otherwise, so the client's
// connection reuse still works through the proxy.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace tributary::testing {

enum class Fault {
  kNone,
  kSlowDown,             // 503 with S3's SlowDown error XML and Retry-After: 0
  kSlowDownRetryAfter1,  // the same with Retry-After: 1
  kServerError,          // 500 InternalError
  // Forwards, sends headers and half the body (half the headers when the body is empty, so the
  // response is incomplete either way), then resets (RST) the connection.
  kResetMidBody,
  kTruncateBody,  // forwards, sends the same cut response, then closes cleanly (FIN)
  kCorruptBody,   // forwards, flips one byte in the middle of the body
  kSlowResponse,  // forwards, then waits `slow_delay` before answering
  kDropResponse,  // forwards (so the request takes effect), then closes without answering
};

// A short stable name for reports: slow_down, slow_down_retry_after_1, server_error, reset,
// truncate, corrupt, slow_response, drop ("none" for kNone).
std::string_view fault_name(Fault fault);
// The Fault of a name fault_name() gives; nullopt for an unknown name.
std::optional<Fault> fault_from_name(std::string_view name);

// Faults at random, for whole runs of a program through the proxy.
struct RandomFaults {
  // Share of the matching requests that get a fault, drawn from `mix` by weight.
  double rate = 0;
  std::vector<std::pair<Fault, unsigned>> mix;
  // Share of the matching requests delayed by a uniform [latency_min, latency_max] before they
  // are forwarded, whether or not they also get a fault.
  double latency_rate = 0;
  std::chrono::milliseconds latency_min{0}, latency_max{0};
  // Only requests with this method ("PUT"; empty: any) whose target starts with this path
  // ("/bucket/prefix/lake/"; empty: any) match.
  std::string method;
  std::string path_prefix;
  std::uint64_t seed = 1;
};

// What the proxy did so far.
struct FaultCounts {
  std::size_t requests = 0;             // every request, control requests excepted
  std::size_t matched = 0;              // requests the random mode's filter matched
  std::size_t delayed = 0;              // requests given added latency
  std::map<Fault, std::size_t> faults;  // faults injected (queued and random), by kind
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

  // Random faults for the requests that find the queue empty (replacing earlier settings).
  // kCorruptBody is only drawn for GETs of an object (no query string): nothing but an object's
  // MD5 ETag could detect it, and TLS rules it out elsewhere; a request for which it is drawn
  // goes through unharmed, uncounted.
  void set_random(RandomFaults faults);
  // Changes only the share of matching requests that get a fault (a window of failures: 1, then
  // 0).
  void set_fault_rate(double rate);
  FaultCounts counts();

  // Answers requests whose target starts with `prefix` itself, never forwarding them: the
  // handler gets the method, the target and the body and returns the response body (JSON, status
  // 200) or nullopt (404). For a control API next to the proxied one.
  using ControlHandler = std::function<std::optional<std::string>(
      std::string_view method, std::string_view target, std::string_view body)>;
  void set_control(std::string prefix, ControlHandler handler);

  std::chrono::milliseconds slow_delay{2000};

 private:
  void accept_loop();
  void serve(int client_fd);
  // The fault for a request (queued, else random) and its added latency.
  std::pair<Fault, std::chrono::milliseconds> next_fault(std::string_view method,
                                                         std::string_view target);

  std::string upstream_host_;
  int upstream_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> requests_{0};
  std::mutex mu_;
  std::condition_variable stop_cv_;
  std::deque<Fault> faults_;
  RandomFaults random_;
  std::mt19937_64 rng_;
  FaultCounts counts_;
  std::string control_prefix_;
  ControlHandler control_;
  std::thread acceptor_;
  std::vector<std::thread> workers_;
  std::vector<int> client_fds_;
};

}  // namespace tributary::testing
