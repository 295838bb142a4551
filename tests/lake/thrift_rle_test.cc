// The byte-level encoders against hand-computed encodings from the specifications.
#include <gtest/gtest.h>

#include <string>

#include "lake/parquet/rle_hybrid.h"
#include "lake/parquet/thrift_compact.h"

namespace tributary::lake::parquet {
namespace {

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int v : b) s.push_back(static_cast<char>(v));
  return s;
}

TEST(ThriftCompact, ShortAndLongFieldDeltasBoolsListsAndStop) {
  std::string out;
  ThriftCompactWriter w(out);
  w.begin_struct();
  w.field_i32(1, -1);     // delta 1, i32: 0x15, zigzag(-1) = 1
  w.field_bool(2, true);  // delta 1, true: 0x11
  w.field_i64(20, 300);   // delta 18 > 15: type 0x06, zigzag(20) = 40, zigzag(300) = 600
  w.field_binary(21, "ab");
  w.field_list(22, ThriftType::kI32, 2);
  w.element_i32(1);
  w.element_i32(2);
  w.field_struct(23);
  w.field_bool(1, false);
  w.end_struct();
  w.end_struct();
  EXPECT_EQ(out, bytes({0x15, 0x01, 0x11, 0x06, 40, 0xD8, 0x04, 0x18, 0x02, 'a', 'b', 0x19, 0x25,
                        0x02, 0x04, 0x1C, 0x12, 0x00, 0x00}));
}

TEST(ThriftCompact, ListOfFifteenOrMoreUsesLongHeader) {
  std::string out;
  ThriftCompactWriter w(out);
  w.begin_struct();
  w.field_list(1, ThriftType::kBinary, 15);
  EXPECT_EQ(out, bytes({0x19, 0xF8, 15}));
}

TEST(ThriftCompact, RejectsDecreasingFieldIds) {
  std::string out;
  ThriftCompactWriter w(out);
  w.begin_struct();
  w.field_i32(3, 0);
  EXPECT_THROW(w.field_i32(2, 0), std::logic_error);
}

// Encodings.md's example: 0..7 with bit width 3 bit-packed is 0b10001000 0b11000110 0b11111010.
TEST(RleHybrid, BitPacksTheSpecificationExample) {
  std::string out;
  RleBitPackedEncoder e(out, 3);
  for (std::uint32_t v = 0; v < 8; ++v) e.put(v);
  e.finish();
  EXPECT_EQ(out, bytes({0x03, 0x88, 0xC6, 0xFA}));
}

TEST(RleHybrid, LongRepeatsBecomeRleRunsAndShortTailsArePadded) {
  std::string out;
  RleBitPackedEncoder e(out, 1);
  for (int i = 0; i < 100; ++i) e.put(1);
  e.put(0);
  e.finish();
  // 100 ones: RLE run (100 << 1 = 200 = 0xC8 0x01), value byte 1; then one group holding the 0.
  EXPECT_EQ(out, bytes({0xC8, 0x01, 0x01, 0x03, 0x00}));
}

TEST(RleHybrid, RepeatAfterLiteralsTopsUpTheGroupFirst) {
  std::string out;
  RleBitPackedEncoder e(out, 2);
  e.put(1);
  e.put(2);
  for (int i = 0; i < 14; ++i) e.put(3);
  e.finish();
  // Group 1 2 3 3 3 3 3 3 (2 bits each, LSB first): 0b11111001 0b11111111; then RLE 8 x 3.
  EXPECT_EQ(out, bytes({0x03, 0xF9, 0xFF, 0x10, 0x03}));
}

TEST(RleHybrid, BitWidths) {
  EXPECT_EQ(bit_width_for(0), 0);
  EXPECT_EQ(bit_width_for(1), 1);
  EXPECT_EQ(bit_width_for(255), 8);
  EXPECT_EQ(bit_width_for(256), 9);
}

}  // namespace
}  // namespace tributary::lake::parquet
