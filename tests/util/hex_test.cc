#include "util/hex.h"

#include <gtest/gtest.h>

#include <string>

namespace tributary::util {
namespace {

std::string every_byte() {
  std::string bytes;
  for (int b = 0; b < 256; ++b) bytes.push_back(static_cast<char>(b));
  return bytes;
}

TEST(Hex, EncodesBytesAsLowercaseDigitsHighNibbleFirst) {
  EXPECT_EQ(hex_encode(""), "");
  EXPECT_EQ(hex_encode(std::string_view("\x00\x0f\xf0\xff\x7e", 5)), "000ff0ff7e");
  const std::uint8_t digest[] = {0xde, 0xad, 0xbe, 0xef};
  EXPECT_EQ(hex_encode(digest, sizeof digest), "deadbeef");
}

TEST(Hex, AppendsOneByteInEitherCase) {
  std::string out = "%";
  append_hex_byte(out, 0xab);
  append_hex_byte(out, 0x0c, HexCase::kUpper);
  append_hex_byte(out, 0x00);
  EXPECT_EQ(out, "%ab0C00");
}

TEST(Hex, WritesSixtyFourBitsAsSixteenDigits) {
  char out[17] = "################";
  write_hex_u64(0x0123456789abcdefULL, out);
  EXPECT_EQ(std::string(out), "0123456789abcdef");
  write_hex_u64(0, out);
  EXPECT_EQ(std::string(out), "0000000000000000");
  write_hex_u64(~0ULL, out);
  EXPECT_EQ(std::string(out), "ffffffffffffffff");
}

TEST(Hex, DecodesWhatItEncodesAndEitherCase) {
  const std::string bytes = every_byte();
  EXPECT_EQ(hex_decode(hex_encode(bytes)), bytes);
  EXPECT_EQ(hex_decode("DeadBEEF"), std::string("\xde\xad\xbe\xef"));
  EXPECT_EQ(hex_decode(""), std::string());
}

TEST(Hex, RefusesOddLengthsAndNonDigits) {
  EXPECT_EQ(hex_decode("abc"), std::nullopt);
  EXPECT_EQ(hex_decode("0g"), std::nullopt);
  EXPECT_EQ(hex_decode("0x12"), std::nullopt);
  EXPECT_EQ(hex_decode(" 12 "), std::nullopt);
  EXPECT_EQ(hex_decode(std::string_view("1\0", 2)), std::nullopt);
}

TEST(Hex, ParsesExactlySixteenDigitsAsSixtyFourBits) {
  EXPECT_EQ(parse_hex_u64("0123456789ABCDEF"), 0x0123456789abcdefULL);
  EXPECT_EQ(parse_hex_u64("ffffffffffffffff"), ~0ULL);
  EXPECT_EQ(parse_hex_u64("123456789abcdef"), std::nullopt);    // 15 digits
  EXPECT_EQ(parse_hex_u64("0123456789abcdef0"), std::nullopt);  // 17 digits
  EXPECT_EQ(parse_hex_u64("0123456789abcdeg"), std::nullopt);
  EXPECT_EQ(parse_hex_u64("-123456789abcdef"), std::nullopt);
}

TEST(Hex, TwentyTwoCharactersAreDigits) {
  const std::string_view digits = "0123456789abcdefABCDEF";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    EXPECT_EQ(hex_digit(digits[i]), static_cast<int>(i < 16 ? i : i - 6)) << digits[i];
  }
  int count = 0;
  for (int c = 0; c < 256; ++c) count += hex_digit(static_cast<char>(c)) >= 0;
  EXPECT_EQ(count, 22);
  for (unsigned v = 0; v < 16; ++v) {
    EXPECT_EQ(hex_digit(hex_char(v)), static_cast<int>(v));
    EXPECT_EQ(hex_digit(hex_char(v, HexCase::kUpper)), static_cast<int>(v));
  }
  EXPECT_EQ(hex_char(10), 'a');
  EXPECT_EQ(hex_char(10, HexCase::kUpper), 'A');
}

}  // namespace
}  // namespace tributary::util
