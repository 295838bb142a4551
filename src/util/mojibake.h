// Undoing mojibake: UTF-8 text that was decoded as Latin-1 (ISO 8859-1) or Windows-1252 and
// encoded as UTF-8 again, once or several times. eventsim's song catalog is garbled this way,
// twice: Björk (42 6A C3 B6 72 6B) arrives as "BjÃ\u0083Â¶rk" (C3 83 C2 83 C3 82 C2 B6 ...).
//
// The rule, applied while it changes the text: when every character of the text is one that a
// single-byte decoding produces (U+0000..U+00FF, or one of the 27 characters Windows-1252 puts at
// 0x80..0x9F, such as U+20AC for 0x80), at least one of them is not ASCII, and the bytes those
// characters stand for are well-formed UTF-8 (util/utf8.h), the text becomes those bytes.
//
// Invariants:
//  - The result is well-formed UTF-8 when the input is; ill-formed input is returned unchanged.
//  - Idempotent: repairing a repaired text changes nothing (the loop stops only at a text the rule
//    leaves alone).
//  - ASCII is never changed, nor any text with a character beyond what a single-byte decoding
//    produces (東京, emoji, Ελλάδα, €100 with other such characters...).
//  - A genuine Latin-1 text is changed only when its non-ASCII characters happen to spell UTF-8:
//    a letter from U+00C2..U+00F4 followed by one to three characters from U+0080..U+00BF (or the
//    Windows-1252 characters at 0x80..0x9F), with no other non-ASCII character anywhere. Names
//    such as Ólafur Arnalds, Ça va, Mötley Crüe or Beyoncé never are (a letter is followed by a
//    letter or ASCII); a text written as "Ã©" on purpose is indistinguishable from mojibake of
//    "é" and is repaired. A text garbled only in part (one garbled name beside a genuine 東京) is
//    left as it is.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tributary::util {

// The repaired text, or nullopt when the rule leaves `s` as it is (the common case costs one scan
// and no allocation).
std::optional<std::string> undo_mojibake(std::string_view s);

// undo_mojibake(s), or `s` itself.
std::string repair_mojibake(std::string_view s);

}  // namespace tributary::util
