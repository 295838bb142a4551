// ListingPager: a whole listing of an ObjectStore prefix, one list() page at a time. Each page
// starts strictly after the last key of the page before it (S3's start-after; S3Store follows
// continuation tokens within a page), so the walk is the one loop every caller used to write.
//
// Invariants:
//  - next() issues exactly one list() request; done() is true once a page said nothing follows
//    (not truncated, or empty), so an empty prefix costs one request.
//  - Keys come in the store's ascending byte-wise order, each once, unless objects are written
//    under the prefix during the walk (those after the cursor show up, those before do not).
//  - A store that reports a truncated page whose last key does not advance the cursor gets a
//    StoreError{kIntegrity}, not an endless loop.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "store/object_store.h"

namespace tributary::store {

class ListingPager {
 public:
  // Keys beginning with `prefix` and strictly after `start_after` (empty: from the start),
  // at most `page_size` (>= 1) per page. `store` must outlive the pager.
  ListingPager(ObjectStore& store, std::string prefix, std::string start_after = {},
               std::size_t page_size = 1000);

  bool done() const { return done_; }
  // The next page. Must not be called once done().
  ListPage next();

 private:
  ObjectStore& store_;
  std::string prefix_;
  std::string after_;
  std::size_t page_size_;
  bool done_ = false;
};

// Every object under `prefix` strictly after `start_after`, in key order, read with as many
// list() requests as it takes.
std::vector<ObjectInfo> list_all(ObjectStore& store, std::string_view prefix,
                                 std::string_view start_after = {}, std::size_t page_size = 1000);

}  // namespace tributary::store
