#include "event/event_key.h"

#include <gtest/gtest.h>

namespace tributary::event {
namespace {

TEST(EventKey, IsFrozen) {
  // Silver files and warehouse rows key on these values: a change here re-keys stored data. The
  // expected digests were computed independently of this code, by writing the documented byte
  // encoding to a file with Python's struct.pack('<qqq', ...) and hashing it with `xxhsum -H2`.
  const EventKey k = compute_event_key(Stream::kListen, 1661129304330, 20857, 20, 212);
  EXPECT_EQ(k.hex(), "29f2d5577791ba550e0cbb1f88d0f25d");
  const EventKey guest = compute_event_key(Stream::kAuth, 1703438540902, 53, 2, std::nullopt);
  EXPECT_EQ(guest.hex(), "62e8d831c2c2e4eced8c0ff6cc605feb");
}

TEST(EventKey, EveryIdentityPartMatters) {
  const EventKey base = compute_event_key(Stream::kListen, 1, 2, 3, 4);
  EXPECT_EQ(base, compute_event_key(Stream::kListen, 1, 2, 3, 4));
  EXPECT_NE(base, compute_event_key(Stream::kPageView, 1, 2, 3, 4));
  EXPECT_NE(base, compute_event_key(Stream::kListen, 2, 2, 3, 4));
  EXPECT_NE(base, compute_event_key(Stream::kListen, 1, 3, 3, 4));
  EXPECT_NE(base, compute_event_key(Stream::kListen, 1, 2, 4, 4));
  EXPECT_NE(base, compute_event_key(Stream::kListen, 1, 2, 3, 5));
  // A guest is not user 0.
  EXPECT_NE(compute_event_key(Stream::kListen, 1, 2, 3, 0),
            compute_event_key(Stream::kListen, 1, 2, 3, std::nullopt));
}

TEST(EventKey, HexIsHighHalfThenLowHalf) {
  EXPECT_EQ((EventKey{0x0123456789abcdefULL, 0xfedcba9876543210ULL}).hex(),
            "0123456789abcdeffedcba9876543210");
}

TEST(EventKey, FromHexInvertsHex) {
  const EventKey k = compute_event_key(Stream::kListen, 1687031000000, 42, 7, 1001);
  EXPECT_EQ(EventKey::from_hex(k.hex()), k);
  EXPECT_EQ(EventKey::from_hex("0123456789ABCDEFfedcba9876543210"),
            (EventKey{0x0123456789abcdefULL, 0xfedcba9876543210ULL}));
  EXPECT_EQ(EventKey::from_hex("0123456789abcdeffedcba987654321"), std::nullopt);    // 31 digits
  EXPECT_EQ(EventKey::from_hex("0123456789abcdeffedcba98765432100"), std::nullopt);  // 33 digits
  EXPECT_EQ(EventKey::from_hex("0123456789abcdeffedcba987654321g"), std::nullopt);
  EXPECT_EQ(EventKey::from_hex("01234567-89ab-cdef-fedc-ba9876543210"), std::nullopt);
}

}  // namespace
}  // namespace tributary::event
