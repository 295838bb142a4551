#include "server/throughput_ring.h"

#include <stdexcept>

namespace tributary::server {

ThroughputRing::ThroughputRing(std::int64_t slot_ms, std::size_t slots)
    : slot_ms_(slot_ms), entries_(slots) {
  if (slot_ms <= 0 || slots == 0) throw std::invalid_argument("ThroughputRing needs slots");
}

std::int64_t ThroughputRing::slot_of(std::int64_t ms) const {
  // Floor division, so times before the epoch (tests) do not share slot 0.
  return ms >= 0 ? ms / slot_ms_ : -((-ms + slot_ms_ - 1) / slot_ms_);
}

void ThroughputRing::add(std::int64_t at_ms, std::uint64_t events, std::uint64_t bytes,
                         std::uint64_t objects) {
  const std::int64_t slot = slot_of(at_ms);
  const auto n = static_cast<std::int64_t>(entries_.size());
  Entry& e = entries_[static_cast<std::size_t>(((slot % n) + n) % n)];
  if (e.slot < slot) e = Entry{slot, ThroughputSample{slot * slot_ms_, 0, 0, 0}};
  if (e.slot != slot) return;  // older than what the entry already holds: out of the window
  e.sample.events += events;
  e.sample.bytes += bytes;
  e.sample.objects += objects;
}

std::vector<ThroughputSample> ThroughputRing::window(std::int64_t now_ms) const {
  const std::int64_t last = slot_of(now_ms);
  const auto n = static_cast<std::int64_t>(entries_.size());
  std::vector<ThroughputSample> out;
  out.reserve(entries_.size());
  for (std::int64_t slot = last - n + 1; slot <= last; ++slot) {
    const Entry& e = entries_[static_cast<std::size_t>(((slot % n) + n) % n)];
    out.push_back(e.slot == slot ? e.sample : ThroughputSample{slot * slot_ms_, 0, 0, 0});
  }
  return out;
}

}  // namespace tributary::server
