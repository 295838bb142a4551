#include "lake/parquet/rle_hybrid.h"

#include <stdexcept>

namespace tributary::lake::parquet {
namespace {

constexpr std::size_t kLiteralFlushThreshold = 512;

void write_uleb128(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

}  // namespace

int bit_width_for(std::uint32_t max_value) {
  int width = 0;
  while (max_value != 0) {
    ++width;
    max_value >>= 1;
  }
  return width;
}

RleBitPackedEncoder::RleBitPackedEncoder(std::string& out, int bit_width)
    : out_(out), bit_width_(bit_width) {
  if (bit_width < 0 || bit_width > 32) throw std::invalid_argument("rle: bit width out of range");
}

void RleBitPackedEncoder::put(std::uint32_t value) {
  if (streak_length_ > 0 && value == streak_value_) {
    ++streak_length_;
    return;
  }
  end_streak();
  streak_value_ = value;
  streak_length_ = 1;
}

void RleBitPackedEncoder::end_streak() {
  if (streak_length_ == 0) return;
  std::uint64_t remaining = streak_length_;
  streak_length_ = 0;
  // Literals may only be flushed in whole groups, so a streak first tops them up to one.
  while (remaining > 0 && literals_.size() % 8 != 0) {
    literals_.push_back(streak_value_);
    --remaining;
  }
  if (remaining >= 8) {
    flush_literals(/*pad=*/false);
    write_uleb128(out_, remaining << 1);
    const int value_bytes = (bit_width_ + 7) / 8;
    for (int i = 0; i < value_bytes; ++i) {
      out_.push_back(static_cast<char>((streak_value_ >> (8 * i)) & 0xFF));
    }
    return;
  }
  literals_.insert(literals_.end(), remaining, streak_value_);
  if (literals_.size() >= kLiteralFlushThreshold) flush_literals(/*pad=*/false);
}

void RleBitPackedEncoder::flush_literals(bool pad) {
  if (pad) {
    while (literals_.size() % 8 != 0) literals_.push_back(0);
  }
  const std::size_t groups = literals_.size() / 8;
  if (groups == 0) return;
  write_uleb128(out_, (groups << 1) | 1);
  std::uint64_t acc = 0;
  int acc_bits = 0;
  for (std::size_t i = 0; i < groups * 8; ++i) {
    acc |= static_cast<std::uint64_t>(literals_[i]) << acc_bits;
    acc_bits += bit_width_;
    while (acc_bits >= 8) {
      out_.push_back(static_cast<char>(acc & 0xFF));
      acc >>= 8;
      acc_bits -= 8;
    }
  }
  // groups * 8 * bit_width bits is a whole number of bytes, so nothing is left in `acc`.
  literals_.erase(literals_.begin(), literals_.begin() + static_cast<std::ptrdiff_t>(groups * 8));
}

void RleBitPackedEncoder::finish() {
  end_streak();
  flush_literals(/*pad=*/true);
}

}  // namespace tributary::lake::parquet
