// UTF-8 well-formedness as the Unicode Standard defines it (section 3.9, table 3-7): no overlong
// forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequences, no stray
// continuation bytes.
//
// Repair follows the Unicode / WHATWG "maximal subpart" rule (the one browsers apply, so the
// status page and quarantine records show what a browser would): each maximal subpart of an
// ill-formed sequence becomes one U+FFFD. A maximal subpart is the longest prefix of a well-formed
// sequence found at that point, or a single byte when no well-formed sequence starts with it. So
// "\xE2\x82" (a 3-byte sequence cut short) is one U+FFFD, while "\xC0\xAF" (overlong) and
// "\xED\xA0\x80" (a surrogate) are one U+FFFD per byte.
#pragma once

#include <string>
#include <string_view>

namespace tributary::util {

bool is_valid_utf8(std::string_view s);

// `s` with each maximal subpart of an ill-formed sequence replaced by U+FFFD. The result is valid
// UTF-8, and equals `s` exactly when `s` is valid.
std::string utf8_lossy(std::string_view s);

}  // namespace tributary::util
