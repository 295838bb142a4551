// RleBitPackedEncoder: Parquet's RLE / bit-packing hybrid, used for definition levels and for
// dictionary indices.
//
// Format (parquet-format Encodings.md): a sequence of runs, each starting with a ULEB128 header.
//  - RLE run: header = count << 1; then the repeated value in ceil(bit_width / 8) little-endian
//    bytes.
//  - Bit-packed run: header = (groups << 1) | 1; then groups * 8 values packed LSB first,
//    bit_width bits each. The last group is padded with zeros.
// The encoder emits a streak of 8 or more identical values as an RLE run (after topping up pending
// literals to a whole group from the streak) and everything else as bit-packed groups.
//
// The output has no length prefix: data pages prepend a 4-byte length for levels, dictionary
// indices are preceded by one byte holding the bit width.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::lake::parquet {

class RleBitPackedEncoder {
 public:
  // bit_width in [0, 32]; values must fit in it.
  RleBitPackedEncoder(std::string& out, int bit_width);

  void put(std::uint32_t value);
  // Flushes buffered values; the encoder must not be used afterwards.
  void finish();

 private:
  void end_streak();
  void flush_literals(bool pad);

  std::string& out_;
  int bit_width_;
  std::uint32_t streak_value_ = 0;
  std::uint64_t streak_length_ = 0;
  // Values waiting to be bit-packed; emitted in whole groups of 8 once 512 are pending.
  std::vector<std::uint32_t> literals_;
};

// RleBitPackedDecoder: reads values written by RleBitPackedEncoder (or any conforming writer).
// Input is untrusted: running out of input throws std::runtime_error.
class RleBitPackedDecoder {
 public:
  RleBitPackedDecoder(std::string_view input, int bit_width);

  // Appends the next `count` values to `out`.
  void decode(std::size_t count, std::vector<std::uint32_t>& out);

 private:
  void next_run();

  std::string_view input_;
  std::size_t pos_ = 0;
  int bit_width_;
  bool rle_ = false;
  std::uint32_t rle_value_ = 0;
  std::uint64_t remaining_ = 0;   // values left in the current run
  std::size_t packed_pos_ = 0;    // bit-packed: byte offset of the run's next group
  std::uint64_t packed_bit_ = 0;  // bit-packed: bit offset within the run
};

// Bits needed to represent `max_value` (0 for 0).
int bit_width_for(std::uint32_t max_value);

}  // namespace tributary::lake::parquet
