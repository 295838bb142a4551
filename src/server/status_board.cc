#include "server/status_board.h"

#include <algorithm>
#include <vector>

#include "util/clock.h"
#include "util/json_writer.h"
#include "util/utf8.h"

namespace tributary::server {
namespace {

void add_counts(BatchRecord& into, const BatchRecord& b) {
  into.objects += b.objects;
  into.vanished += b.vanished;
  into.bytes_read += b.bytes_read;
  into.events += b.events;
  into.new_events += b.new_events;
  into.duplicates += b.duplicates;
  into.quarantined += b.quarantined;
  into.files += b.files;
  into.bytes_written += b.bytes_written;
  into.max_event_ts_ms = std::max(into.max_event_ts_ms, b.max_event_ts_ms);
}

void write_counts(util::JsonWriter& w, const BatchRecord& r) {
  w.key("objects").value(r.objects);
  w.key("vanished").value(r.vanished);
  w.key("bytes_read").value(r.bytes_read);
  w.key("events").value(r.events);
  w.key("new_events").value(r.new_events);
  w.key("duplicates").value(r.duplicates);
  w.key("quarantined").value(r.quarantined);
  w.key("files").value(r.files);
  w.key("bytes_written").value(r.bytes_written);
}

}  // namespace

StatusBoard::StatusBoard(Clock clock)
    : clock_(clock ? std::move(clock) : Clock(util::unix_time_ms)), started_ms_(clock_()) {}

void StatusBoard::record_discovered(std::uint64_t objects) {
  std::lock_guard lock(mutex_);
  discovered_ += objects;
}

void StatusBoard::record_batch(const BatchRecord& batch) {
  std::lock_guard lock(mutex_);
  ++batches_;
  add_counts(totals_, batch);
  add_counts(streams_[batch.stream], batch);
  newest_event_ms_ = std::max(newest_event_ms_, batch.max_event_ts_ms);
  ring_.add(clock_(), batch.events + batch.quarantined, batch.bytes_read, batch.objects);
  for (const auto& [reason, n] : batch.reasons) {
    auto it = reasons_.find(reason);
    if (it == reasons_.end()) {
      if (reasons_.size() >= kMaxReasons)
        continue;  // bounded: a new reason past the cap is
                   // still counted in the metrics
      it = reasons_.emplace(reason, Reason{}).first;
    }
    it->second.count += n;
    if (auto s = batch.samples.find(reason); s != batch.samples.end())
      it->second.sample = s->second;
  }
}

void StatusBoard::record_failure(std::string_view where, std::string message) {
  std::lock_guard lock(mutex_);
  ++failed_batches_;
  failures_.push_front({clock_(), std::string(where), std::move(message)});
  if (failures_.size() > kMaxErrors) failures_.pop_back();
}

void StatusBoard::record_backlog(std::uint64_t pending_objects, double lag_seconds) {
  std::lock_guard lock(mutex_);
  pending_ = pending_objects;
  lag_seconds_ = lag_seconds;
}

void StatusBoard::set_report_link(std::string href) {
  std::lock_guard lock(mutex_);
  report_link_ = std::move(href);
}

void StatusBoard::set_top_lists(TopListsProvider provider) {
  std::lock_guard lock(top_lists_mutex_);
  top_lists_ = std::move(provider);
  top_lists_cache_.clear();
}

std::string StatusBoard::top_lists_json(std::uint64_t batches) {
  std::lock_guard lock(top_lists_mutex_);
  if (!top_lists_) return "null";
  const std::int64_t now = clock_();
  if (top_lists_cache_.empty() || batches != top_lists_batches_ ||
      now - top_lists_at_ms_ >= kTopListsTtlMs) {
    try {
      top_lists_cache_ = top_lists_();
      while (!top_lists_cache_.empty() && top_lists_cache_.back() == '\n') {
        top_lists_cache_.pop_back();
      }
    } catch (const std::exception& e) {
      std::string err;
      util::JsonWriter(err)
          .begin_object()
          .key("error")
          .value(util::utf8_lossy(e.what()))
          .end_object();
      top_lists_cache_ = err;
    }
    top_lists_at_ms_ = now;
    top_lists_batches_ = batches;
  }
  return top_lists_cache_;
}

std::string StatusBoard::json() {
  std::uint64_t batches = 0;
  std::string out = counters_json(batches);
  // counters_json() leaves the object open for the warehouse's lists, computed without mutex_.
  out += ",\"warehouse\":" + top_lists_json(batches) + "}";
  return out;
}

std::string StatusBoard::counters_json(std::uint64_t& batches) {
  std::lock_guard lock(mutex_);
  batches = batches_;
  const std::int64_t now = clock_();
  const std::vector<ThroughputSample> window = ring_.window(now);
  // Rates over the last minute of complete and current slots.
  const std::size_t minute_slots = static_cast<std::size_t>(60000 / kSlotMs);
  ThroughputSample minute;
  for (std::size_t i = window.size() - std::min(window.size(), minute_slots); i < window.size();
       ++i) {
    minute.events += window[i].events;
    minute.bytes += window[i].bytes;
    minute.objects += window[i].objects;
  }
  const auto per_s = [](std::uint64_t n) { return static_cast<double>(n) / 60.0; };

  std::string out;
  util::JsonWriter w(out);
  w.begin_object();
  w.key("now_ms").value(now).key("started_ms").value(started_ms_);
  w.key("report_link").value(report_link_);
  w.key("stages").begin_array();
  const auto stage = [&w](const char* name, const char* unit, std::uint64_t count,
                          std::optional<double> rate) {
    w.begin_object().key("stage").value(name).key("unit").value(unit).key("count").value(count);
    w.key("rate_per_s");
    if (rate) {
      w.value(*rate);
    } else {
      w.null();
    }
    w.end_object();
  };
  stage("discovered", "objects", discovered_, std::nullopt);
  stage("fetched", "objects", totals_.objects, per_s(minute.objects));
  stage("read", "bytes", totals_.bytes_read, per_s(minute.bytes));
  stage("decoded", "lines", totals_.events + totals_.quarantined, per_s(minute.events));
  stage("quarantined", "lines", totals_.quarantined, std::nullopt);
  stage("duplicates", "events", totals_.duplicates, std::nullopt);
  stage("committed", "events", totals_.new_events, std::nullopt);
  stage("written", "bytes", totals_.bytes_written, std::nullopt);
  w.end_array();

  w.key("totals").begin_object();
  w.key("batches").value(batches_).key("failed_batches").value(failed_batches_);
  w.key("discovered").value(discovered_);
  write_counts(w, totals_);
  w.end_object();
  w.key("streams").begin_object();
  for (const auto& [name, r] : streams_) {
    w.key(name).begin_object();
    write_counts(w, r);
    w.end_object();
  }
  w.end_object();
  w.key("backlog")
      .begin_object()
      .key("pending_objects")
      .value(pending_)
      .key("lag_seconds")
      .value(lag_seconds_)
      .key("newest_event_ms")
      .value(newest_event_ms_)
      .end_object();

  w.key("throughput").begin_object().key("slot_ms").value(kSlotMs).key("samples").begin_array();
  for (const ThroughputSample& s : window) {
    w.begin_object()
        .key("start_ms")
        .value(s.start_ms)
        .key("lines")
        .value(s.events)
        .key("bytes")
        .value(s.bytes)
        .key("objects")
        .value(s.objects)
        .end_object();
  }
  w.end_array().end_object();

  std::vector<std::pair<std::string, const Reason*>> reasons;
  for (const auto& [name, r] : reasons_) reasons.emplace_back(name, &r);
  std::stable_sort(reasons.begin(), reasons.end(),
                   [](const auto& a, const auto& b) { return a.second->count > b.second->count; });
  w.key("quarantine").begin_array();
  for (const auto& [name, r] : reasons) {
    w.begin_object().key("reason").value(name).key("count").value(r->count);
    w.key("where").value(util::utf8_lossy(r->sample.where));
    w.key("sample").value(util::utf8_lossy(r->sample.line)).end_object();
  }
  w.end_array();

  w.key("errors").begin_array();
  for (const Failure& f : failures_) {
    w.begin_object().key("at_ms").value(f.at_ms).key("where").value(util::utf8_lossy(f.where));
    w.key("message").value(util::utf8_lossy(f.message)).end_object();
  }
  w.end_array();
  return out;
}

}  // namespace tributary::server
