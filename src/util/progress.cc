#include "util/progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tributary::util {
namespace {

std::string format_rate(double rate) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f", rate);
  if (rate >= 1000) return group_thousands(static_cast<std::uint64_t>(std::llround(rate)));
  return buf;
}

std::string format_eta(double seconds) {
  const auto s = static_cast<std::uint64_t>(std::ceil(seconds));
  char buf[64];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%llu:%02llu:%02llu", static_cast<unsigned long long>(s / 3600),
                  static_cast<unsigned long long>(s / 60 % 60),
                  static_cast<unsigned long long>(s % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%llu:%02llu", static_cast<unsigned long long>(s / 60),
                  static_cast<unsigned long long>(s % 60));
  }
  return buf;
}

}  // namespace

std::string group_thousands(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string format_progress(const ProgressSnapshot& s, int bar_width) {
  const bool known = s.total > 0;
  const double fraction =
      known ? std::min(1.0, static_cast<double>(s.done) / static_cast<double>(s.total)) : 0.0;
  const double rate = s.elapsed_seconds > 0 ? static_cast<double>(s.done) / s.elapsed_seconds : 0;
  const int percent = static_cast<int>(std::floor(fraction * 100));
  std::string count = group_thousands(s.done);
  if (known) count += "/" + group_thousands(s.total);
  count += " " + s.unit;
  const std::string rate_text = format_rate(rate) + " " + s.unit + "/s";
  std::string eta;
  if (known && rate > 0 && s.done < s.total) {
    eta = "ETA " + format_eta(static_cast<double>(s.total - s.done) / rate);
  }
  std::string line;
  if (bar_width > 0) {
    line = s.label + " ";
    if (known) {
      const int filled = static_cast<int>(std::floor(fraction * bar_width));
      line += "[" + std::string(static_cast<std::size_t>(filled), '#') +
              std::string(static_cast<std::size_t>(bar_width - filled), '.') + "] ";
      char pct[8];
      std::snprintf(pct, sizeof pct, "%3d%%", percent);
      line += pct;
      line += "  ";
    }
    line += count + "  " + rate_text;
    if (!eta.empty()) line += "  " + eta;
  } else {
    line = s.label + ": " + count;
    if (known) line += " (" + std::to_string(percent) + "%)";
    line += ", " + rate_text;
    if (!eta.empty()) line += ", " + eta;
  }
  return line;
}

Progress::Progress(ProgressOptions options, std::uint64_t total)
    : options_(std::move(options)),
      started_(options_.started.value_or(now())),
      line_(options_, started_),
      total_(total) {}

namespace {
ProgressOptions labelled(std::string label, std::string unit) {
  ProgressOptions o;
  o.label = std::move(label);
  o.unit = std::move(unit);
  return o;
}
}  // namespace

Progress::Progress(std::string label, std::string unit, std::uint64_t total)
    : Progress(labelled(std::move(label), std::move(unit)), total) {}

Progress::~Progress() {
  finish();
}

std::chrono::steady_clock::time_point Progress::now() const {
  return options_.clock ? options_.clock() : std::chrono::steady_clock::now();
}

void Progress::add(std::uint64_t n) {
  std::lock_guard lock(mutex_);
  done_ += n;
  show();
}

void Progress::set_done(std::uint64_t done) {
  std::lock_guard lock(mutex_);
  done_ = done;
  show();
}

void Progress::set_total(std::uint64_t total) {
  std::lock_guard lock(mutex_);
  total_ = total;
  show();
}

void Progress::finish() {
  std::lock_guard lock(mutex_);
  if (finished_) return;
  finished_ = true;
  line_.finish(text(now()));
}

void Progress::show() {
  if (finished_) return;
  const auto t = now();
  // Checked here too so that an add() between redraws does not format a line.
  if (line_.due(t)) line_.update(text(t), t);
}

std::string Progress::text(std::chrono::steady_clock::time_point t) const {
  const ProgressSnapshot snap{options_.label, options_.unit, done_, total_,
                              std::chrono::duration<double>(t - started_).count()};
  return format_progress(snap, line_.terminal() ? options_.bar_width : 0);
}

}  // namespace tributary::util
