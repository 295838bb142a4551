// ProgressLine: how a long command shows one line of progress text, the same for every command.
// On a terminal the line is redrawn in place ("\r", the text, then erase to the end of the line);
// otherwise (a log file, a CI job, a pipe) it is printed as a plain line now and then, so logs
// stay short and greppable. util::Progress formats a counted bar for it; a command with text of
// its own (the demo) uses it directly:
//
//   util::ProgressLineOptions options;  // stderr; redraws every 0.1 s or a line every 10 s
//   util::ProgressLine line(options);
//   while (working) line.update(text(), std::chrono::steady_clock::now());
//   line.finish(text());
//
// Invariants:
//  - Output goes to `out` only, flushed after every write.
//  - update() writes at most once per interval: tty_interval between redraws on a terminal,
//    line_interval between plain lines otherwise. The interval runs from the last write, or from
//    `started` before the first one; without `started` the first update() writes at once.
//  - finish() always leaves the final text on screen followed by a newline; a plain line equal
//    to the last one printed is not printed again.
//  - Not thread-safe: callers serialize their calls, and finish() is the last one.
#pragma once

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

namespace tributary::util {

struct ProgressLineOptions {
  std::FILE* out = stderr;
  std::optional<bool> terminal;  // default: whether `out` is a terminal
  std::chrono::milliseconds tty_interval{100};
  std::chrono::milliseconds line_interval{10000};
};

class ProgressLine {
 public:
  // `options.out` must outlive the ProgressLine. With `started`, nothing is shown until one
  // interval after it, so a command shorter than that prints its final line only.
  explicit ProgressLine(
      const ProgressLineOptions& options,
      std::optional<std::chrono::steady_clock::time_point> started = std::nullopt);

  bool terminal() const { return terminal_; }
  // Whether update() at `now` would write: lets a caller skip making text that is not shown.
  bool due(std::chrono::steady_clock::time_point now) const;
  // Shows `text` (one line, no '\n') if due(now).
  void update(const std::string& text, std::chrono::steady_clock::time_point now);
  // Shows `text` as the final state and ends the line.
  void finish(const std::string& text);

 private:
  std::FILE* out_;
  bool terminal_;
  std::chrono::milliseconds interval_;  // tty_interval or line_interval, by terminal_
  std::optional<std::chrono::steady_clock::time_point> last_write_;
  std::optional<std::string> last_plain_;  // not repeated by finish()
};

}  // namespace tributary::util
