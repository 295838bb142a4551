// ListingPoller: finds every object fluentd puts under <raw_prefix><stream>/, by listing.
//
// fluentd's keys (<slice>_<index>.<ext>) do not sort by arrival, so a "last key seen" cursor
// would miss objects ("..._10.json" lists before "..._2.json"). Instead each poll lists, per
// stream, every key from the time slice `lookback` hours ago onwards, which covers every object
// that can still appear in a recent slice; and every `full_sweep_interval` (and on the first poll)
// it lists the whole prefix, which catches the rest: late uploads into old slices, objects renamed
// by operators, keys not in fluentd's form. A poll returns what it saw; the ledger tells new from
// known, so returning an object twice is harmless. Notifications only make objects visible sooner.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "event/schema.h"
#include "store/object_store.h"

namespace tributary::ingest {

struct ListingPollerOptions {
  std::string raw_prefix = "Raw/";
  std::vector<event::Stream> streams{event::kAllStreams.begin(), event::kAllStreams.end()};
  std::chrono::hours lookback{3};
  std::chrono::seconds full_sweep_interval{300};
  std::size_t list_page_size = 1000;  // keys per LIST request (S3's maximum)
};

struct ListedObject {
  event::Stream stream;
  store::ObjectInfo info;
};

struct PollResult {
  std::vector<ListedObject> objects;
  bool full_sweep = false;
  std::uint64_t list_requests = 0;
};

class ListingPoller {
 public:
  ListingPoller(store::ObjectStore& source, ListingPollerOptions options);

  // Lists as described above, as of `now` (a parameter so tests can move time).
  PollResult poll(std::chrono::system_clock::time_point now);

 private:
  store::ObjectStore& source_;
  ListingPollerOptions options_;
  std::chrono::system_clock::time_point last_full_sweep_{};
  bool swept_ = false;
};

}  // namespace tributary::ingest
