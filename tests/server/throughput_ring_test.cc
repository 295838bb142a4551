#include "server/throughput_ring.h"

#include <gtest/gtest.h>

namespace tributary::server {
namespace {

TEST(ThroughputRing, WindowHasOneSamplePerSlotOldestFirst) {
  ThroughputRing ring(1000, 5);
  ring.add(10'500, 7, 70, 1);
  ring.add(10'900, 3, 30, 1);
  ring.add(12'000, 5, 50, 2);
  const auto w = ring.window(12'100);
  ASSERT_EQ(w.size(), 5u);
  EXPECT_EQ(w.front().start_ms, 8'000);
  EXPECT_EQ(w.back().start_ms, 12'000);
  EXPECT_EQ(w[2].events, 10u);  // slot 10 s: both adds
  EXPECT_EQ(w[2].bytes, 100u);
  EXPECT_EQ(w[2].objects, 2u);
  EXPECT_EQ(w[3].events, 0u);  // slot 11 s: nothing
  EXPECT_EQ(w[4].events, 5u);
}

TEST(ThroughputRing, SlotsLeavingTheWindowReadAsZeroAndAreReused) {
  ThroughputRing ring(1000, 3);
  ring.add(0, 1, 0, 0);
  ring.add(1'000, 2, 0, 0);
  // Slot 0's entry is reused by slot 3; the window at 3.5 s is slots 1, 2 and 3.
  ring.add(3'000, 4, 0, 0);
  const auto w = ring.window(3'500);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].events, 2u);
  EXPECT_EQ(w[1].events, 0u);
  EXPECT_EQ(w[2].events, 4u);
  // At 4.5 s slot 1 has left the window, though its entry still holds it.
  EXPECT_EQ(ring.window(4'500)[0].events, 0u);
  // A late add for a slot older than the entry's holder is dropped, not mixed in.
  ring.add(0, 100, 0, 0);
  EXPECT_EQ(ring.window(3'500)[2].events, 4u);
  // Far in the future everything is zero.
  for (const auto& s : ring.window(100'000)) EXPECT_EQ(s.events, 0u);
}

TEST(ThroughputRing, RejectsEmptyShapes) {
  EXPECT_THROW(ThroughputRing(0, 3), std::invalid_argument);
  EXPECT_THROW(ThroughputRing(1000, 0), std::invalid_argument);
}

}  // namespace
}  // namespace tributary::server
