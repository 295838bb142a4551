// HeadGate: holds accepted connections until their request head (request line and headers) has
// arrived, all of them polled by one thread, and only then hands them on to be served. A client
// that connects and sends its head slowly, or never, so holds a file descriptor and at most
// max_head_bytes of memory, but no serving thread: a liveness probe behind any number of such
// clients is served as soon as its own head arrives, not when theirs time out.
//
// Invariants:
//  - At most `capacity` connections wait. One more evicts the one that has waited longest
//    (closed at once, unanswered), so a new client is always let in and a flood of idle
//    connections cannot keep a probe out.
//  - Each connection leaves the gate exactly once: to `dispatch`, with every byte read from it so
//    far and its deadline (arrival + timeout), when its head is complete (an empty line), when it
//    has sent more than max_head_bytes without one, when its deadline has passed, or when it
//    closed after sending something (the server answers each of those); or closed here, when it
//    closed having sent nothing, was evicted, or the gate shut down.
//  - `dispatch` runs on the gate's thread; while it blocks, no head is read.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace tributary::server {

class HeadGate {
 public:
  using Clock = std::chrono::steady_clock;

  // Called (on the thread that added a connection) for each connection evicted.
  using OnEvict = std::function<void()>;

  struct Arrival {
    int sock;
    std::string bytes;  // the head, whole or in part, and possibly the start of the body
    Clock::time_point deadline;
  };
  using Dispatch = std::function<void(Arrival)>;

  // Starts the gate's thread. Throws std::system_error when it cannot.
  HeadGate(std::size_t capacity, std::size_t max_head_bytes, std::chrono::milliseconds timeout,
           Dispatch dispatch, OnEvict on_evict);
  ~HeadGate();
  HeadGate(const HeadGate&) = delete;
  HeadGate& operator=(const HeadGate&) = delete;

  // Takes ownership of the connected socket `sock`. Never blocks on the network.
  void add(int sock);
  // Closes the waiting connections and joins the thread; idempotent.
  void shutdown();

 private:
  struct Waiting {
    int sock;
    std::string bytes;
    Clock::time_point deadline;
  };

  void run();
  void wake();

  const std::size_t capacity_;
  const std::size_t max_head_bytes_;
  const std::chrono::milliseconds timeout_;
  const Dispatch dispatch_;
  const OnEvict on_evict_;
  int wake_[2] = {-1, -1};  // a pipe: add() and shutdown() end the thread's poll
  std::mutex mu_;
  // By arrival: ids only grow, so begin() has waited longest. Ids, not descriptors, name the
  // connections across a poll: a descriptor closed by an eviction may be reused meanwhile.
  std::map<std::uint64_t, Waiting> waiting_;
  std::uint64_t next_id_ = 0;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace tributary::server
