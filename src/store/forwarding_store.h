// ForwardingStore: the base for ObjectStore decorators that change a few calls. Every member
// forwards to the wrapped store unchanged; a decorator overrides only the calls it changes and
// reaches the wrapped store through wrapped().
//
// The wrapped store is borrowed, not owned: it must outlive the decorator.
#pragma once

#include "store/object_store.h"

namespace tributary::store {

class ForwardingStore : public ObjectStore {
 public:
  ListPage list(std::string_view prefix, std::string_view start_after = {},
                std::size_t max_keys = 1000) override {
    return wrapped_.list(prefix, start_after, max_keys);
  }
  GetResult get(std::string_view key) override { return wrapped_.get(key); }
  GetResult get_range(std::string_view key, std::uint64_t offset, std::uint64_t length) override {
    return wrapped_.get_range(key, offset, length);
  }
  std::optional<ObjectInfo> head(std::string_view key) override { return wrapped_.head(key); }
  ObjectInfo put(std::string_view key, std::string_view body,
                 const PutOptions& options = {}) override {
    return wrapped_.put(key, body, options);
  }
  void remove(std::string_view key) override { wrapped_.remove(key); }
  std::string uri() const override { return wrapped_.uri(); }

 protected:
  // Only a decorator is built on it: a bare ForwardingStore would change nothing.
  explicit ForwardingStore(ObjectStore& wrapped) : wrapped_(wrapped) {}
  // Not copyable. A copy constructor would win the overload when one decorator wraps another and
  // wrap the inner decorator's store instead, silently skipping the inner decorator; deleted, it
  // makes that a compile error: pass the inner decorator as ObjectStore&.
  ForwardingStore(const ForwardingStore&) = delete;
  ForwardingStore& operator=(const ForwardingStore&) = delete;

  ObjectStore& wrapped() const { return wrapped_; }

 private:
  ObjectStore& wrapped_;
};

}  // namespace tributary::store
