#include "util/progress.h"

#include <gtest/gtest.h>

#include <string>

#include "test_support.h"

namespace tributary::util {
namespace {

TEST(FormatProgress, TerminalBarWithPercentRateAndEta) {
  const ProgressSnapshot s{"generate", "events", 1234, 2741, 3.0};
  // 1234 / 3 s = 411.3/s; (2741 - 1234) / 411.33 = 3.66 s -> 0:04.
  EXPECT_EQ(format_progress(s, 20),
            "generate [#########...........]  45%  1,234/2,741 events  411.3 events/s  ETA 0:04");
}

TEST(FormatProgress, PlainLineAndUnknownTotal) {
  EXPECT_EQ(format_progress({"replay", "objects", 50, 200, 10.0}, 0),
            "replay: 50/200 objects (25%), 5.0 objects/s, ETA 0:30");
  EXPECT_EQ(format_progress({"replay", "objects", 50, 0, 10.0}, 0),
            "replay: 50 objects, 5.0 objects/s");
  EXPECT_EQ(format_progress({"replay", "objects", 50, 0, 10.0}, 10),
            "replay 50 objects  5.0 objects/s");
  // Nothing elapsed: no rate, so no ETA; done: no ETA either.
  EXPECT_EQ(format_progress({"x", "b", 0, 10, 0.0}, 0), "x: 0/10 b (0%), 0.0 b/s");
  EXPECT_EQ(format_progress({"x", "b", 10, 10, 2.0}, 0), "x: 10/10 b (100%), 5.0 b/s");
  EXPECT_EQ(format_progress({"x", "b", 1, 100000, 1.0}, 0),
            "x: 1/100,000 b (0%), 1.0 b/s, ETA 27:46:39");
}

TEST(GroupThousands, Groups) {
  EXPECT_EQ(group_thousands(0), "0");
  EXPECT_EQ(group_thousands(999), "999");
  EXPECT_EQ(group_thousands(1000), "1,000");
  EXPECT_EQ(group_thousands(1234567), "1,234,567");
}

using tributary::testing::Captured;

TEST(Progress, PlainModeWritesAtMostOneLinePerIntervalAndAFinalLine) {
  Captured out;
  auto t = std::chrono::steady_clock::time_point{};
  ProgressOptions o;
  o.label = "replay";
  o.unit = "objects";
  o.out = out.file;
  o.terminal = false;
  o.line_interval = std::chrono::seconds(10);
  o.clock = [&] { return t; };
  {
    Progress p(o, 100);
    t += std::chrono::seconds(5);
    p.add(10);  // before the interval: nothing
    EXPECT_EQ(out.text(), "");
    t += std::chrono::seconds(5);
    p.add(10);  // 10 s: one line
    t += std::chrono::seconds(1);
    p.add(10);  // 1 s later: nothing
    EXPECT_EQ(out.text(), "replay: 20/100 objects (20%), 2.0 objects/s, ETA 0:40\n");
    p.finish();
    p.add(5);  // after finish: nothing
  }            // the destructor does not write a second final line
  EXPECT_EQ(out.text(),
            "replay: 20/100 objects (20%), 2.0 objects/s, ETA 0:40\n"
            "replay: 30/100 objects (30%), 2.7 objects/s, ETA 0:26\n");
}

TEST(Progress, RateAndIntervalsRunFromStartedWhenTheProgressIsMadeLater) {
  Captured out;
  auto t = std::chrono::steady_clock::time_point{} + std::chrono::seconds(100);
  ProgressOptions o;
  o.label = "generate";
  o.unit = "events";
  o.out = out.file;
  o.terminal = false;
  o.line_interval = std::chrono::seconds(10);
  o.clock = [&] { return t; };
  o.started = t - std::chrono::seconds(20);  // the work began 20 s before the Progress
  Progress p(o);
  p.add(40);  // an interval has passed since `started`: a line, at 40 events in 20 s
  EXPECT_EQ(out.text(), "generate: 40 events, 2.0 events/s\n");
}

TEST(Progress, TerminalModeRedrawsInPlaceAndEndsWithANewline) {
  Captured out;
  auto t = std::chrono::steady_clock::time_point{};
  ProgressOptions o;
  o.label = "gen";
  o.unit = "events";
  o.out = out.file;
  o.terminal = true;
  o.bar_width = 4;
  o.clock = [&] { return t; };
  Progress p(o, 4);
  t += std::chrono::seconds(1);
  p.add(2);
  t += std::chrono::milliseconds(50);
  p.add(1);  // within the redraw interval: not drawn
  p.finish();
  EXPECT_EQ(out.text(),
            "\rgen [##..]  50%  2/4 events  2.0 events/s  ETA 0:01\x1b[K"
            "\rgen [###.]  75%  3/4 events  2.9 events/s  ETA 0:01\x1b[K\n");
}

}  // namespace
}  // namespace tributary::util
