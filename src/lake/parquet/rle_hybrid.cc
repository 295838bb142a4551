#include "lake/parquet/rle_hybrid.h"

#include <algorithm>
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

RleBitPackedDecoder::RleBitPackedDecoder(std::string_view input, int bit_width)
    : input_(input), bit_width_(bit_width) {
  if (bit_width < 0 || bit_width > 32) throw std::runtime_error("rle: bit width out of range");
}

void RleBitPackedDecoder::next_run() {
  std::uint64_t header = 0;
  for (int shift = 0;; shift += 7) {
    if (pos_ >= input_.size()) throw std::runtime_error("rle: input ends inside a run header");
    if (shift > 35) throw std::runtime_error("rle: run header too long");
    const auto b = static_cast<std::uint8_t>(input_[pos_++]);
    header |= static_cast<std::uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) break;
  }
  if ((header & 1) == 0) {
    rle_ = true;
    remaining_ = header >> 1;
    const int value_bytes = (bit_width_ + 7) / 8;
    if (input_.size() - pos_ < static_cast<std::size_t>(value_bytes)) {
      throw std::runtime_error("rle: input ends inside a run value");
    }
    rle_value_ = 0;
    for (int i = 0; i < value_bytes; ++i) {
      rle_value_ |= static_cast<std::uint32_t>(static_cast<std::uint8_t>(input_[pos_ + i]))
                    << (8 * i);
    }
    pos_ += static_cast<std::size_t>(value_bytes);
  } else {
    rle_ = false;
    const std::uint64_t groups = header >> 1;
    const std::uint64_t bytes = groups * static_cast<std::uint64_t>(bit_width_);
    // A writer may end the last run early (the page holds fewer values than the run's groups),
    // so the run is clamped to the input; reading past it still throws below.
    remaining_ = groups * 8;
    packed_pos_ = pos_;
    packed_bit_ = 0;
    pos_ += static_cast<std::size_t>(std::min<std::uint64_t>(bytes, input_.size() - pos_));
  }
  if (remaining_ == 0) throw std::runtime_error("rle: empty run");
}

void RleBitPackedDecoder::decode(std::size_t count, std::vector<std::uint32_t>& out) {
  while (count > 0) {
    if (remaining_ == 0) next_run();
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, count));
    if (rle_) {
      out.insert(out.end(), n, rle_value_);
    } else {
      const std::uint64_t mask = bit_width_ == 32 ? 0xFFFFFFFFull : ((1ull << bit_width_) - 1);
      for (std::size_t i = 0; i < n; ++i) {
        std::uint64_t v = 0;
        for (int b = 0; b < bit_width_;) {
          const std::size_t at = packed_pos_ + static_cast<std::size_t>(packed_bit_ / 8);
          if (at >= input_.size()) throw std::runtime_error("rle: input ends inside packed values");
          const int bit = static_cast<int>(packed_bit_ % 8);
          const int take = std::min(8 - bit, bit_width_ - b);
          const std::uint64_t bits =
              (static_cast<std::uint8_t>(input_[at]) >> bit) & ((1u << take) - 1);
          v |= bits << b;
          b += take;
          packed_bit_ += static_cast<std::uint64_t>(take);
        }
        out.push_back(static_cast<std::uint32_t>(v & mask));
      }
    }
    remaining_ -= n;
    count -= n;
  }
}

}  // namespace tributary::lake::parquet
