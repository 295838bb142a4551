#include "cli/progress_line.h"

#include <unistd.h>

namespace tributary::cli {

ProgressLine::ProgressLine(std::FILE* out, bool terminal, std::chrono::milliseconds plain_interval)
    : out_(out), terminal_(terminal), plain_interval_(plain_interval) {}

void ProgressLine::update(const std::string& text) {
  if (terminal_) {
    std::fprintf(out_, "\r\033[K%s", text.c_str());
    std::fflush(out_);
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (printed_plain_ && now - last_plain_ < plain_interval_) return;
  printed_plain_ = true;
  last_plain_ = now;
  last_text_ = text;
  std::fprintf(out_, "%s\n", text.c_str());
  std::fflush(out_);
}

void ProgressLine::finish(const std::string& text) {
  if (terminal_) {
    std::fprintf(out_, "\r\033[K%s\n", text.c_str());
  } else if (!printed_plain_ || text != last_text_) {
    std::fprintf(out_, "%s\n", text.c_str());
  }
  std::fflush(out_);
}

bool is_terminal(std::FILE* stream) {
  return ::isatty(::fileno(stream)) == 1;
}

}  // namespace tributary::cli
