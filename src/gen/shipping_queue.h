// ShippingQueue: runs shipping jobs (compress + put) on one background thread, in submission
// order, so gzip and the store's writes overlap the simulation instead of pausing it.
//
// Invariants: jobs run one at a time, first in first out, each exactly once unless an earlier
// job failed; at most `max_pending` jobs wait (submit() blocks beyond that), so memory stays
// bounded at a few chunks. The first job's exception is kept and rethrown by the next submit()
// or drain(); later jobs are then dropped, since their objects' order would have a gap.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace tributary::gen {

class ShippingQueue {
 public:
  explicit ShippingQueue(std::size_t max_pending = 4);
  // Waits for queued jobs, without rethrowing (call drain() to see errors).
  ~ShippingQueue();
  ShippingQueue(const ShippingQueue&) = delete;
  ShippingQueue& operator=(const ShippingQueue&) = delete;

  void submit(std::function<void()> job);
  // Returns once every submitted job has run; rethrows the first failure.
  void drain();

 private:
  void run();
  void rethrow_locked();

  std::size_t max_pending_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> jobs_;
  bool running_job_ = false;
  bool closing_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: starts after the members it uses exist
};

}  // namespace tributary::gen
