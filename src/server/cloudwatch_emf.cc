#include "server/cloudwatch_emf.h"

#include <cstdlib>
#include <exception>
#include <stdexcept>

#include "util/clock.h"
#include "util/json_writer.h"
#include "util/log.h"

namespace tributary::server {

std::string emf_line(std::string_view name_space, std::int64_t now_ms, const LagReading& r) {
  std::string out;
  util::JsonWriter w(out);
  w.begin_object().key("_aws").begin_object().key("Timestamp").value(now_ms);
  w.key("CloudWatchMetrics").begin_array().begin_object().key("Namespace").value(name_space);
  w.key("Dimensions").begin_array().begin_array().end_array().end_array();
  w.key("Metrics").begin_array();
  const auto metric = [&](std::string_view name, std::string_view unit) {
    w.begin_object().key("Name").value(name).key("Unit").value(unit).end_object();
  };
  metric("IngestLagSeconds", "Seconds");
  metric("PendingObjects", "Count");
  if (r.newest_event_seconds) {
    metric("NewestEventTimestamp", "None");
    metric("NewestEventAgeSeconds", "Seconds");
  }
  w.end_array().end_object().end_array().end_object();
  w.key("IngestLagSeconds").value(r.lag_seconds);
  w.key("PendingObjects").value(r.pending_objects);
  if (r.newest_event_seconds) {
    const double now_s = static_cast<double>(now_ms) / 1000.0;
    w.key("NewestEventTimestamp").value(*r.newest_event_seconds);
    w.key("NewestEventAgeSeconds").value(now_s - *r.newest_event_seconds);
  }
  w.end_object();
  return out;
}

std::string cloudwatch_namespace_from_environment() {
  const char* v = std::getenv("TRIBUTARY_CLOUDWATCH_NAMESPACE");
  if (v == nullptr || *v == '\0') return {};
  const std::string ns = v;
  bool valid = ns.size() <= 255 && ns.front() != ':';
  for (char c : ns) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' || c == '/' ||
                         c == '#' || c == ':';
    valid = valid && allowed;
  }
  if (!valid) {
    throw std::invalid_argument(
        "TRIBUTARY_CLOUDWATCH_NAMESPACE: not a CloudWatch namespace (up to 255 letters, digits "
        "and . - _ / # :, not starting with ':'): " +
        ns);
  }
  return ns;
}

CloudWatchEmf::CloudWatchEmf(std::string name_space, std::chrono::milliseconds interval, Read read,
                             std::FILE* out, Clock clock)
    : name_space_(std::move(name_space)),
      interval_(interval),
      read_(std::move(read)),
      out_(out),
      clock_(clock ? std::move(clock) : Clock([] { return util::unix_time_ms(); })) {
  emit();
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
      lock.unlock();
      emit();
      lock.lock();
    }
  });
}

CloudWatchEmf::~CloudWatchEmf() {
  stop();
}

void CloudWatchEmf::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  emit();
}

void CloudWatchEmf::emit() {
  LagReading reading;
  try {
    reading = read_();
  } catch (const std::exception& e) {
    util::log_warn("cloudwatch.reading_failed", {{"error", util::redact(e.what())}});
    return;
  }
  std::string line = emf_line(name_space_, clock_(), reading);
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace tributary::server
