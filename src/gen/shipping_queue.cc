#include "gen/shipping_queue.h"

namespace tributary::gen {

ShippingQueue::ShippingQueue(std::size_t max_pending)
    : max_pending_(max_pending == 0 ? 1 : max_pending), thread_([this] { run(); }) {}

ShippingQueue::~ShippingQueue() {
  {
    std::unique_lock lock(mutex_);
    closing_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void ShippingQueue::submit(std::function<void()> job) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return jobs_.size() < max_pending_ || error_; });
  rethrow_locked();
  jobs_.push_back(std::move(job));
  changed_.notify_all();
}

void ShippingQueue::drain() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return (jobs_.empty() && !running_job_) || error_; });
  rethrow_locked();
}

void ShippingQueue::rethrow_locked() {
  if (error_) std::rethrow_exception(error_);
}

void ShippingQueue::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return !jobs_.empty() || closing_; });
    if (jobs_.empty()) return;  // closing and nothing left
    std::function<void()> job = std::move(jobs_.front());
    jobs_.pop_front();
    running_job_ = true;
    lock.unlock();
    std::exception_ptr failure;
    try {
      job();
    } catch (...) {
      failure = std::current_exception();
    }
    lock.lock();
    running_job_ = false;
    if (failure && !error_) {
      error_ = failure;
      jobs_.clear();
    }
    changed_.notify_all();
  }
}

}  // namespace tributary::gen
