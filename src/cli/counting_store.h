// CountingStore: an ObjectStore decorator for `tributary demo` that forwards every call and counts
// what was put, so a progress line can show what the generator shipped while it runs.
#pragma once

#include <algorithm>
#include <atomic>

#include "store/forwarding_store.h"

namespace tributary::cli {

// Forwards to a store and counts what was put: objects and lines ('\n'), i.e. events shipped,
// since the generator writes plain JSON lines. Counters are read from other threads. The inner
// store is borrowed and must outlive this one.
class CountingStore final : public store::ForwardingStore {
 public:
  explicit CountingStore(store::ObjectStore& inner) : ForwardingStore(inner) {}

  store::ObjectInfo put(std::string_view key, std::string_view body,
                        const store::PutOptions& options) override {
    store::ObjectInfo info = wrapped().put(key, body, options);
    objects_.fetch_add(1, std::memory_order_relaxed);
    lines_.fetch_add(static_cast<std::uint64_t>(std::count(body.begin(), body.end(), '\n')),
                     std::memory_order_relaxed);
    return info;
  }

  std::uint64_t objects() const { return objects_.load(std::memory_order_relaxed); }
  std::uint64_t lines() const { return lines_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> objects_{0}, lines_{0};
};

}  // namespace tributary::cli
