#include "util/base64.h"

#include <gtest/gtest.h>

namespace tributary::util {
namespace {

// RFC 4648, section 10, and bytes that are not text.
TEST(Base64, EncodesTheRfc4648TestVectors) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foob"), "Zm9vYg==");
  EXPECT_EQ(base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64(std::string_view("\xff\xfe\x00\x3e\x3f", 5)), "//4APj8=");
}

}  // namespace
}  // namespace tributary::util
