// Hexadecimal text: digests, event keys and escapes (JSON \u00XX, percent-escapes in URIs and
// object keys) all spell bytes with it. Encoders write lowercase unless told otherwise (percent-
// escapes are uppercase, as RFC 3986 and AWS Signature V4 require); decoders accept either case.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tributary::util {

enum class HexCase { kLower, kUpper };

// The digit for `value` (0..15).
inline char hex_char(unsigned value, HexCase letters = HexCase::kLower) {
  return (letters == HexCase::kLower ? "0123456789abcdef" : "0123456789ABCDEF")[value & 0xf];
}

// Appends `byte` as two hex digits, the high nibble first.
inline void append_hex_byte(std::string& out, unsigned char byte,
                            HexCase letters = HexCase::kLower) {
  out.push_back(hex_char(byte >> 4, letters));
  out.push_back(hex_char(byte & 0xf, letters));
}

// `size` bytes as 2 * `size` lowercase hex digits.
std::string hex_encode(const std::uint8_t* data, std::size_t size);
inline std::string hex_encode(std::string_view bytes) {
  return hex_encode(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

// Writes `value` as exactly 16 lowercase hex digits, most significant first, to out[0..16).
inline void write_hex_u64(std::uint64_t value, char* out) {
  for (int i = 15; i >= 0; --i) {
    out[i] = hex_char(static_cast<unsigned>(value & 0xf));
    value >>= 4;
  }
}

// The value of the hex digit `c` (either case), or -1 when `c` is not one.
inline int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The bytes `text` spells; nullopt unless it is an even number of hex digits (either case).
std::optional<std::string> hex_decode(std::string_view text);

// The value of exactly 16 hex digits (either case), most significant first; nullopt for any other
// text.
std::optional<std::uint64_t> parse_hex_u64(std::string_view text);

}  // namespace tributary::util
