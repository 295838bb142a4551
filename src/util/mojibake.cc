#include "util/mojibake.h"

#include <array>
#include <cstdint>

#include "util/utf8.h"

namespace tributary::util {
namespace {

// The characters Windows-1252 gives bytes 0x80..0x9F, in byte order; 0 where it defines none
// (0x81, 0x8D, 0x8F, 0x90, 0x9D: decoders pass those through as the C1 control of that value,
// which the Latin-1 range already maps back).
constexpr std::array<char32_t, 32> kWindows1252High = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// The byte a single-byte decoding turned into `c`, or nullopt when none did.
std::optional<char> byte_of(char32_t c) {
  if (c < 0x100) return static_cast<char>(c);
  for (std::size_t i = 0; i < kWindows1252High.size(); ++i) {
    if (kWindows1252High[i] == c) return static_cast<char>(0x80 + i);
  }
  return std::nullopt;
}

// One step of the rule on well-formed UTF-8 `s`: the bytes its characters stand for, or nullopt
// when some character stands for none. Every character decoded here is at most 3 bytes long
// (the largest byte_of() accepts is U+2122); a longer one stands for no byte.
std::optional<std::string> bytes_of(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto lead = static_cast<unsigned char>(s[i]);
    char32_t c = 0;
    std::size_t size = 1;
    if (lead < 0x80) {
      c = lead;
    } else if (lead < 0xE0) {
      c = (lead & 0x1Fu) << 6 | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
      size = 2;
    } else if (lead < 0xF0) {
      c = (lead & 0x0Fu) << 12 | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6 |
          (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
      size = 3;
    } else {
      return std::nullopt;
    }
    const std::optional<char> b = byte_of(c);
    if (!b) return std::nullopt;
    out.push_back(*b);
    i += size;
  }
  return out;
}

bool has_non_ascii(std::string_view s) {
  for (const char ch : s) {
    if (static_cast<unsigned char>(ch) >= 0x80) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> undo_mojibake(std::string_view s) {
  if (!has_non_ascii(s) || !is_valid_utf8(s)) return std::nullopt;
  std::optional<std::string> step = bytes_of(s);
  if (!step || !is_valid_utf8(*step)) return std::nullopt;
  std::string text = std::move(*step);
  // Each step turns a character of two or three bytes into one byte, so the loop ends.
  while (has_non_ascii(text)) {
    step = bytes_of(text);
    if (!step || !is_valid_utf8(*step)) break;
    text = std::move(*step);
  }
  return text;
}

std::string repair_mojibake(std::string_view s) {
  std::optional<std::string> repaired = undo_mojibake(s);
  return repaired ? std::move(*repaired) : std::string(s);
}

}  // namespace tributary::util
