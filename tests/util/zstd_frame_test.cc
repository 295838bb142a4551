#include "util/zstd_frame.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace tributary::util {
namespace {

const std::string kText = "{\"ts\":1}\n{\"ts\":2}\nlast line";

TEST(Zstd, RoundTripsAndIsDeterministic) {
  const std::string z = zstd_compress(kText);
  EXPECT_TRUE(is_zstd(z));
  EXPECT_FALSE(is_zstd(kText));
  EXPECT_FALSE(is_zstd(tributary::testing::gzip(kText)));
  EXPECT_EQ(z, zstd_compress(kText));
  std::string out;
  EXPECT_EQ(unzstd(z, out, 1 << 20).error, GunzipError::kNone);
  EXPECT_EQ(out, kText);
}

TEST(Zstd, ConcatenatedFramesAndEmptyInput) {
  std::string out;
  EXPECT_EQ(unzstd(zstd_compress("a\n") + zstd_compress("b"), out, 100).error, GunzipError::kNone);
  EXPECT_EQ(out, "a\nb");
  EXPECT_EQ(unzstd(zstd_compress(""), out, 100).error, GunzipError::kNone);
  EXPECT_EQ(out, "");
}

TEST(Zstd, TruncatedCorruptAndTooLarge) {
  std::string big;
  for (int i = 0; i < 50000; ++i) big += "line " + std::to_string(i) + "\n";
  const std::string z = zstd_compress(big);
  std::string out;
  const GunzipResult cut = unzstd(z.substr(0, z.size() / 2), out, 1 << 30);
  EXPECT_EQ(cut.error, GunzipError::kTruncated);
  EXPECT_EQ(out, big.substr(0, out.size()));
  std::string bad = z;
  bad[bad.size() / 2] ^= 0x5a;
  bad[bad.size() / 2 + 1] ^= 0x5a;
  EXPECT_NE(unzstd(bad, out, 1 << 30).error, GunzipError::kNone);
  EXPECT_EQ(unzstd(zstd_compress(std::string(1 << 20, 'x')), out, 1000).error,
            GunzipError::kTooLarge);
  EXPECT_EQ(out.size(), 1000u);
}

TEST(Zstd, VerifiedCoversOnlyFramesWhoseChecksumMatched) {
  std::string out;
  const std::string first = zstd_compress("a\nb\n");
  std::string second = zstd_compress("c\nd\n");
  EXPECT_EQ(unzstd(first + second, out, 100).verified, 8u);
  second.back() ^= 0x01;  // the last byte of the frame's content checksum
  const GunzipResult r = unzstd(first + second, out, 100);
  EXPECT_EQ(r.error, GunzipError::kCorrupt);
  EXPECT_EQ(r.verified, 4u);
  EXPECT_EQ(out.substr(0, r.verified), "a\nb\n");
}

}  // namespace
}  // namespace tributary::util
