#include "util/utf8.h"

#include <cstddef>

namespace tributary::util {
namespace {

struct Sequence {
  std::size_t size;  // the well-formed sequence's length, else its maximal subpart's (>= 1)
  bool valid;
};

// The sequence starting at s[i] (i < s.size()), checked against table 3-7: the lead byte fixes
// the length and the range of the second byte; every later byte is 80..BF.
Sequence sequence_at(std::string_view s, std::size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  if (lead < 0x80) return {1, true};
  std::size_t size = 0;
  unsigned char low = 0x80, high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    size = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    size = 3;
    if (lead == 0xE0) low = 0xA0;   // below: overlong
    if (lead == 0xED) high = 0x9F;  // above: surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    size = 4;
    if (lead == 0xF0) low = 0x90;   // below: overlong
    if (lead == 0xF4) high = 0x8F;  // above: past U+10FFFF
  } else {
    return {1, false};  // a continuation byte, C0/C1 (always overlong) or F5..FF
  }
  for (std::size_t n = 1; n < size; ++n) {
    if (i + n == s.size()) return {n, false};
    const auto b = static_cast<unsigned char>(s[i + n]);
    if (b < low || b > high) return {n, false};
    low = 0x80, high = 0xBF;
  }
  return {size, true};
}

// The first ill-formed subpart at or after s[from]: where it starts and its size; `at` is
// s.size() when there is none.
struct IllFormed {
  std::size_t at;
  std::size_t size;
};

IllFormed next_ill_formed(std::string_view s, std::size_t from) {
  std::size_t i = from;
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {  // ASCII, the common case, without a call
      ++i;
      continue;
    }
    const Sequence q = sequence_at(s, i);
    if (!q.valid) return {i, q.size};
    i += q.size;
  }
  return {s.size(), 0};
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
  return next_ill_formed(s, 0).at == s.size();
}

std::string utf8_lossy(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t kept = 0;  // s[0, kept) is in `out`, repaired
  for (IllFormed bad = next_ill_formed(s, 0); bad.at < s.size(); bad = next_ill_formed(s, kept)) {
    out.append(s.substr(kept, bad.at - kept));
    out.append("\xEF\xBF\xBD");
    kept = bad.at + bad.size;
  }
  out.append(s.substr(kept));
  return out;
}

}  // namespace tributary::util
