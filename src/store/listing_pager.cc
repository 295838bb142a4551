#include "store/listing_pager.h"

#include <utility>

namespace tributary::store {

ListingPager::ListingPager(ObjectStore& store, std::string prefix, std::string start_after,
                           std::size_t page_size)
    : store_(store),
      prefix_(std::move(prefix)),
      after_(std::move(start_after)),
      page_size_(page_size) {}

ListPage ListingPager::next() {
  if (done_) throw std::logic_error("ListingPager::next() after the listing ended");
  ListPage page = store_.list(prefix_, after_, page_size_);
  if (!page.truncated || page.objects.empty()) {
    done_ = true;
    return page;
  }
  const std::string& last = page.objects.back().key;
  if (last <= after_) {
    throw StoreError(StoreErrorCode::kIntegrity, "listing " + store_.uri() + " under '" + prefix_ +
                                                     "': a truncated page ended at '" + last +
                                                     "', not after '" + after_ + "'");
  }
  after_ = last;
  return page;
}

std::vector<ObjectInfo> list_all(ObjectStore& store, std::string_view prefix,
                                 std::string_view start_after, std::size_t page_size) {
  std::vector<ObjectInfo> objects;
  ListingPager pager(store, std::string(prefix), std::string(start_after), page_size);
  while (!pager.done()) {
    ListPage page = pager.next();
    if (objects.empty()) {
      objects = std::move(page.objects);
    } else {
      objects.insert(objects.end(), std::make_move_iterator(page.objects.begin()),
                     std::make_move_iterator(page.objects.end()));
    }
  }
  return objects;
}

}  // namespace tributary::store
