#include "util/progress_line.h"

#include <unistd.h>

namespace tributary::util {

ProgressLine::ProgressLine(const ProgressLineOptions& options,
                           std::optional<std::chrono::steady_clock::time_point> started)
    : out_(options.out),
      terminal_(options.terminal.value_or(::isatty(::fileno(options.out)) == 1)),
      interval_(terminal_ ? options.tty_interval : options.line_interval),
      last_write_(started) {}

bool ProgressLine::due(std::chrono::steady_clock::time_point now) const {
  return !last_write_ || now - *last_write_ >= interval_;
}

void ProgressLine::update(const std::string& text, std::chrono::steady_clock::time_point now) {
  if (!due(now)) return;
  last_write_ = now;
  if (terminal_) {
    // Text first, then erase what is left of a longer previous line: the line never blanks.
    std::fprintf(out_, "\r%s\x1b[K", text.c_str());
  } else {
    std::fprintf(out_, "%s\n", text.c_str());
    last_plain_ = text;
  }
  std::fflush(out_);
}

void ProgressLine::finish(const std::string& text) {
  if (terminal_) {
    std::fprintf(out_, "\r%s\x1b[K\n", text.c_str());
  } else if (text != last_plain_) {
    std::fprintf(out_, "%s\n", text.c_str());
  }
  std::fflush(out_);
}

}  // namespace tributary::util
