// Hexadecimal digits, as percent-escapes in URIs and object keys use them.
#pragma once

namespace tributary::util {

// The value of the hex digit `c` (either case), or -1 when `c` is not one.
inline int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace tributary::util
