#include "lake/avro/encoder.h"

#include <bit>

namespace tributary::lake::avro {
namespace {

// Little-endian on every platform: the spec fixes the byte order, not the host.
template <typename U>
void append_little_endian(std::string& out, U bits) {
  for (std::size_t i = 0; i < sizeof(U); ++i) {
    out.push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
  }
}

}  // namespace

void AvroEncoder::write_long(std::int64_t v) {
  // Zig-zag maps small magnitudes of either sign to small unsigned numbers: 0, -1, 1, -2, ... ->
  // 0, 1, 2, 3, ... The arithmetic shift spreads the sign bit over the whole word.
  std::uint64_t z = (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
  while (z >= 0x80) {
    out_.push_back(static_cast<char>((z & 0x7F) | 0x80));
    z >>= 7;
  }
  out_.push_back(static_cast<char>(z));
}

void AvroEncoder::write_float(float v) {
  append_little_endian(out_, std::bit_cast<std::uint32_t>(v));
}

void AvroEncoder::write_double(double v) {
  append_little_endian(out_, std::bit_cast<std::uint64_t>(v));
}

void AvroEncoder::write_bytes(std::string_view v) {
  write_long(static_cast<std::int64_t>(v.size()));
  out_.append(v);
}

std::string encode_long(std::int64_t v) {
  std::string out;
  AvroEncoder(out).write_long(v);
  return out;
}

}  // namespace tributary::lake::avro
