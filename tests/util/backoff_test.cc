#include "util/backoff.h"

#include <gtest/gtest.h>

namespace tributary::util {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, WaitsStayUnderACapThatDoublesUpToTheMaximum) {
  Backoff backoff(milliseconds(100), milliseconds(1000));
  const milliseconds caps[] = {milliseconds(100), milliseconds(200),  milliseconds(400),
                               milliseconds(800), milliseconds(1000), milliseconds(1000)};
  for (const milliseconds cap : caps) {
    EXPECT_EQ(backoff.cap(), cap);
    const milliseconds wait = backoff.next();
    EXPECT_GE(wait.count(), 0);
    EXPECT_LT(wait, cap);
  }
  EXPECT_EQ(backoff.failures(), 6u);
  backoff.reset();
  EXPECT_EQ(backoff.cap(), milliseconds(100));
  EXPECT_EQ(backoff.failures(), 0u);
}

TEST(Backoff, WaitsAreSpreadOverTheWholeRange) {
  // Full jitter: workers failing together do not retry together.
  Backoff backoff(milliseconds(1000), milliseconds(1000));
  milliseconds low = milliseconds::max(), high = milliseconds::min();
  for (int i = 0; i < 200; ++i) {
    const milliseconds wait = backoff.next();
    low = std::min(low, wait);
    high = std::max(high, wait);
  }
  EXPECT_LT(low, milliseconds(250));
  EXPECT_GT(high, milliseconds(750));
}

}  // namespace
}  // namespace tributary::util
