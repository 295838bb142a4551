// CountingStore: an ObjectStore decorator for `tributary demo` that forwards every call and counts
// what was put, so a progress line can show what the generator shipped while it runs.
#pragma once

#include <algorithm>
#include <atomic>
#include <memory>

#include "store/object_store.h"

namespace tributary::cli {

// Forwards to a store and counts what was put: objects and lines ('\n'), i.e. events shipped,
// since the generator writes plain JSON lines. Counters are read from other threads.
class CountingStore final : public store::ObjectStore {
 public:
  explicit CountingStore(std::unique_ptr<store::ObjectStore> inner) : inner_(std::move(inner)) {}

  store::ListPage list(std::string_view prefix, std::string_view start_after,
                       std::size_t max_keys) override {
    return inner_->list(prefix, start_after, max_keys);
  }
  store::GetResult get(std::string_view key) override { return inner_->get(key); }
  store::GetResult get_range(std::string_view key, std::uint64_t offset,
                             std::uint64_t length) override {
    return inner_->get_range(key, offset, length);
  }
  std::optional<store::ObjectInfo> head(std::string_view key) override { return inner_->head(key); }
  store::ObjectInfo put(std::string_view key, std::string_view body,
                        const store::PutOptions& options) override {
    store::ObjectInfo info = inner_->put(key, body, options);
    objects_.fetch_add(1, std::memory_order_relaxed);
    lines_.fetch_add(static_cast<std::uint64_t>(std::count(body.begin(), body.end(), '\n')),
                     std::memory_order_relaxed);
    return info;
  }
  void remove(std::string_view key) override { inner_->remove(key); }
  std::string uri() const override { return inner_->uri(); }

  std::uint64_t objects() const { return objects_.load(std::memory_order_relaxed); }
  std::uint64_t lines() const { return lines_.load(std::memory_order_relaxed); }

 private:
  std::unique_ptr<store::ObjectStore> inner_;
  std::atomic<std::uint64_t> objects_{0}, lines_{0};
};

}  // namespace tributary::cli
