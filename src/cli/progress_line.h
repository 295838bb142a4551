// ProgressLine: one line of progress for a long command. On a terminal it redraws itself in place
// ("\r" + erase line) at every update; otherwise (a log file, a CI job) it prints a plain line
// at most once per `plain_interval`, and always on finish(), so logs stay short and greppable.
// Not thread-safe: one thread calls update() and finish().
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace tributary::cli {

class ProgressLine {
 public:
  // `out` must outlive the ProgressLine. `terminal`: redraw in place (see above).
  ProgressLine(std::FILE* out, bool terminal,
               std::chrono::milliseconds plain_interval = std::chrono::seconds(5));

  // Shows `text` (one line, no '\n') now, or later if not on a terminal and printed recently.
  void update(const std::string& text);
  // Shows `text` as the final state and ends the line (a plain line equal to the last one
  // printed is not repeated).
  void finish(const std::string& text);

 private:
  std::FILE* out_;
  bool terminal_;
  std::chrono::milliseconds plain_interval_;
  std::chrono::steady_clock::time_point last_plain_{};
  bool printed_plain_ = false;
  std::string last_text_;  // the last plain line, not repeated by finish()
};

// True when `stream` is a terminal.
bool is_terminal(std::FILE* stream);

}  // namespace tributary::cli
