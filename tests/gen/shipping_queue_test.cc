#include "gen/shipping_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

namespace tributary::gen {
namespace {

TEST(ShippingQueue, RunsJobsInOrderAndDrainWaitsForAll) {
  std::vector<int> ran;  // written only by the queue's thread, read after drain()
  ShippingQueue queue(2);
  for (int i = 0; i < 100; ++i) queue.submit([&ran, i] { ran.push_back(i); });
  queue.drain();
  ASSERT_EQ(ran.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(ran[static_cast<std::size_t>(i)], i);
}

TEST(ShippingQueue, TheFirstFailureSurfacesAndLaterJobsAreDropped) {
  std::atomic<int> after_failure{0};
  ShippingQueue queue(1);
  queue.submit([] { throw std::runtime_error("disk full"); });
  EXPECT_THROW(
      {
        for (int i = 0; i < 1000; ++i) queue.submit([&] { ++after_failure; });
        queue.drain();
      },
      std::runtime_error);
  EXPECT_THROW(queue.drain(), std::runtime_error);
  const int seen = after_failure.load();
  EXPECT_THROW(queue.submit([&] { ++after_failure; }), std::runtime_error);
  EXPECT_EQ(after_failure.load(), seen);
}

TEST(ShippingQueue, DestructionFinishesQueuedJobs) {
  std::atomic<int> ran{0};
  {
    ShippingQueue queue(4);
    for (int i = 0; i < 10; ++i) queue.submit([&] { ++ran; });
  }
  EXPECT_EQ(ran.load(), 10);
}

}  // namespace
}  // namespace tributary::gen
