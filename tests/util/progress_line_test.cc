#include "util/progress_line.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "test_support.h"

namespace tributary::util {
namespace {

using std::chrono::seconds;
using tributary::testing::Captured;
using Time = std::chrono::steady_clock::time_point;

ProgressLineOptions options_for(std::FILE* out, bool terminal, std::chrono::milliseconds interval) {
  ProgressLineOptions o;
  o.out = out;
  o.terminal = terminal;
  (terminal ? o.tty_interval : o.line_interval) = interval;
  return o;
}

TEST(ProgressLine, TerminalRedrawsInPlaceAtMostOncePerIntervalAndEndsTheLine) {
  Captured out;
  ProgressLine line(options_for(out.file, true, seconds(1)));
  const Time t{};
  line.update("first", t);  // no `started`: at once
  line.update("skipped", t + std::chrono::milliseconds(999));
  line.update("a longer second", t + seconds(1));
  line.finish("last");
  EXPECT_EQ(out.text(), "\rfirst\x1b[K\ra longer second\x1b[K\rlast\x1b[K\n");
}

TEST(ProgressLine, PlainPrintsALinePerIntervalAndTheFinalStateOnce) {
  Captured out;
  ProgressLine line(options_for(out.file, false, seconds(5)));
  const Time t{};
  line.update("0 done", t);
  line.update("1 done", t + seconds(4));
  line.update("2 done", t + seconds(5));
  line.finish("2 done");  // already printed: not repeated
  EXPECT_EQ(out.text(), "0 done\n2 done\n");
}

TEST(ProgressLine, PlainFinishPrintsAChangedOrNeverPrintedState) {
  Captured changed;
  ProgressLine a(options_for(changed.file, false, seconds(5)));
  a.update("1 done", Time{});
  a.finish("2 done");
  EXPECT_EQ(changed.text(), "1 done\n2 done\n");
  Captured silent;
  ProgressLine b(options_for(silent.file, false, seconds(5)));
  b.finish("");
  EXPECT_EQ(silent.text(), "\n");
}

TEST(ProgressLine, StartedHoldsTheFirstLineForAnInterval) {
  Captured out;
  const Time t{};
  ProgressLine line(options_for(out.file, false, seconds(10)), t);
  EXPECT_FALSE(line.due(t + seconds(9)));
  line.update("early", t + seconds(9));
  EXPECT_TRUE(line.due(t + seconds(10)));
  line.update("on time", t + seconds(10));
  EXPECT_FALSE(line.due(t + seconds(19)));
  EXPECT_EQ(out.text(), "on time\n");
}

}  // namespace
}  // namespace tributary::util
