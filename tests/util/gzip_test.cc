#include "util/gzip.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace tributary::util {
namespace {

using tributary::testing::gzip;

const std::string kText = "first line\nsecond line\nthird line without newline";

TEST(Gzip, DetectsMagicBytesNotNames) {
  EXPECT_TRUE(is_gzip(gzip("x")));
  EXPECT_FALSE(is_gzip("{\"ts\":1}"));
  EXPECT_FALSE(is_gzip("\x1f"));
  EXPECT_FALSE(is_gzip(""));
}

TEST(Gzip, RoundTrips) {
  std::string out;
  const GunzipResult r = gunzip(gzip(kText), out, 1 << 20);
  EXPECT_EQ(r.error, GunzipError::kNone);
  EXPECT_EQ(out, kText);
  EXPECT_EQ(r.produced, kText.size());
}

TEST(Gzip, ReadsEveryMemberOfAMultiMemberFile) {
  std::string out;
  const GunzipResult r = gunzip(gzip("a\n") + gzip("b\n") + gzip("c"), out, 1 << 20);
  EXPECT_EQ(r.error, GunzipError::kNone);
  EXPECT_EQ(out, "a\nb\nc");
}

TEST(Gzip, ToleratesTrailingZeroPadding) {
  std::string out;
  EXPECT_EQ(gunzip(gzip(kText) + std::string(16, '\0'), out, 1 << 20).error, GunzipError::kNone);
  EXPECT_EQ(out, kText);
}

TEST(Gzip, TruncatedStreamKeepsWhatCameBefore) {
  std::string big;
  for (int i = 0; i < 20000; ++i) big += "line " + std::to_string(i) + "\n";
  const std::string z = gzip(big);
  std::string out;
  const GunzipResult r = gunzip(z.substr(0, z.size() / 2), out, 1 << 30);
  EXPECT_EQ(r.error, GunzipError::kTruncated);
  EXPECT_GT(out.size(), 0u);
  EXPECT_EQ(out, big.substr(0, out.size()));
}

TEST(Gzip, CorruptStreamIsAnError) {
  std::string z = gzip(kText);
  z[z.size() / 2] ^= 0x55;  // inside the deflate data or its CRC: either way not kNone
  std::string out;
  EXPECT_NE(gunzip(z, out, 1 << 20).error, GunzipError::kNone);
  std::string garbage_after = gzip(kText) + "garbage";
  EXPECT_EQ(gunzip(garbage_after, out, 1 << 20).error, GunzipError::kCorrupt);
}

TEST(Gzip, VerifiedCoversOnlyMembersWhoseChecksumMatched) {
  std::string out;
  const std::string first = gzip("a\nb\n");
  std::string second = gzip("c\nd\n");
  EXPECT_EQ(gunzip(first + second, out, 1 << 20).verified, 8u);
  second[second.size() - 8] ^= 0x01;  // the CRC-32 of the second member's data
  const GunzipResult r = gunzip(first + second, out, 1 << 20);
  EXPECT_EQ(r.error, GunzipError::kCorrupt);
  EXPECT_EQ(out, "a\nb\nc\nd\n");  // the damaged member inflated completely ...
  EXPECT_EQ(r.verified, 4u);       // ... but only the first one is known to be intact
  const GunzipResult cut = gunzip(first + second.substr(0, second.size() / 2), out, 1 << 20);
  EXPECT_EQ(cut.error, GunzipError::kTruncated);
  EXPECT_EQ(cut.verified, 4u);
}

TEST(Gzip, StopsAtTheOutputLimit) {
  const std::string zeros(10 << 20, '0');  // 10 MiB compresses to a few KiB: a small bomb
  std::string out;
  const GunzipResult r = gunzip(gzip(zeros), out, 1 << 20);
  EXPECT_EQ(r.error, GunzipError::kTooLarge);
  EXPECT_EQ(out.size(), 1u << 20);
  EXPECT_LE(out.capacity(), (2u << 20) + 1);
  // Exactly at the limit is fine.
  EXPECT_EQ(gunzip(gzip(std::string(1000, 'x')), out, 1000).error, GunzipError::kNone);
}

}  // namespace
}  // namespace tributary::util
