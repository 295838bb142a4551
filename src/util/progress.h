// Progress reporting for long commands: a bar with rate and ETA redrawn in place on a terminal,
// and plain periodic lines when the output is not a terminal (logs, CI, pipes). Progress counts
// and formats; util::ProgressLine decides when and how a line is written.
//
//   util::Progress progress("generate", "events", total_events);  // total 0: unknown
//   for (...) { ...; progress.add(n); }   // cheap: redraws at most every tty_interval
//   progress.finish();                     // final line; also done by the destructor
//
// Terminal:   generate [#########..........]  45%  1,234/2,741 events  412.0 events/s  ETA 0:04
// Otherwise:  generate: 1,234/2,741 events (45%), 412.0 events/s, ETA 0:04
// (without a total: "generate: 1,234 events, 412.0 events/s"; the bar becomes a count).
//
// Invariants:
//  - Thread-safe: add()/set_done()/set_total() may be called from any thread; output is written
//    under one mutex, one whole line (or one redraw) at a time.
//  - Output goes to `out` (stderr by default) and never to stdout, so a command's result on
//    stdout stays machine-readable.
//  - Plain mode writes at most one line per line_interval plus the final line from finish()
//    (unless it equals the line last written); the terminal mode redraws at most once per
//    tty_interval and ends with a newline at finish(). Both intervals run from construction, so
//    a short command shows its final line only.
//  - Rate is the average since `started` (default: construction); ETA = (total - done) / rate,
//  shown only when both
//    are known and positive.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "util/progress_line.h"

namespace tributary::util {

// Where and how often to write (ProgressLineOptions), and what.
struct ProgressOptions : ProgressLineOptions {
  std::string label = "progress";
  std::string unit = "items";
  int bar_width = 30;
  // For tests; default std::chrono::steady_clock::now.
  std::function<std::chrono::steady_clock::time_point()> clock;
  // When the work began, if before the Progress is made (a command that shows progress only once
  // there is some); default: construction. The rate and the intervals run from it.
  std::optional<std::chrono::steady_clock::time_point> started;
};

// What one rendering shows; format_progress() is pure so it can be tested alone.
struct ProgressSnapshot {
  std::string label, unit;
  std::uint64_t done = 0;
  std::uint64_t total = 0;  // 0: unknown
  double elapsed_seconds = 0;
};

// One line without line ending or escape codes; `bar_width` > 0 draws the terminal form.
std::string format_progress(const ProgressSnapshot& s, int bar_width);
// "1,234,567"
std::string group_thousands(std::uint64_t n);

class Progress {
 public:
  explicit Progress(ProgressOptions options, std::uint64_t total = 0);
  // Defaults for everything else: stderr, terminal detection, 100 ms redraws, 10 s lines.
  Progress(std::string label, std::string unit, std::uint64_t total = 0);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void add(std::uint64_t n);
  void set_done(std::uint64_t done);
  void set_total(std::uint64_t total);  // 0: unknown
  // Writes the final state; later calls to any method write nothing. Idempotent.
  void finish();

 private:
  void show();  // mutex held
  std::chrono::steady_clock::time_point now() const;
  std::string text(std::chrono::steady_clock::time_point t) const;  // mutex held

  ProgressOptions options_;
  std::chrono::steady_clock::time_point started_;
  std::mutex mutex_;
  ProgressLine line_;  // guarded by mutex_
  std::uint64_t done_ = 0, total_ = 0;
  bool finished_ = false;
};

}  // namespace tributary::util
