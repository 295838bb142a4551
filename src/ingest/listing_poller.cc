#include "ingest/listing_poller.h"

#include "ingest/fluentd_key.h"
#include "store/listing_pager.h"

namespace tributary::ingest {

ListingPoller::ListingPoller(store::ObjectStore& source, ListingPollerOptions options)
    : source_(source), options_(std::move(options)) {}

PollResult ListingPoller::poll(std::chrono::system_clock::time_point now) {
  PollResult result;
  result.full_sweep = !swept_ || now - last_full_sweep_ >= options_.full_sweep_interval;
  for (event::Stream stream : options_.streams) {
    const std::string prefix = stream_prefix(options_.raw_prefix, stream);
    // Keys of slice S start with "<prefix>S_", which sorts after "<prefix>S": listing after the
    // bare slice returns that slice and every later one.
    store::ListingPager pager(
        source_, prefix,
        result.full_sweep ? std::string() : prefix + time_slice_of(now - options_.lookback),
        options_.list_page_size);
    while (!pager.done()) {
      store::ListPage page = pager.next();
      ++result.list_requests;
      for (store::ObjectInfo& info : page.objects) {
        result.objects.push_back(ListedObject{stream, std::move(info)});
      }
    }
  }
  if (result.full_sweep) {
    swept_ = true;
    last_full_sweep_ = now;
  }
  return result;
}

}  // namespace tributary::ingest
