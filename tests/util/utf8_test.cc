#include "util/utf8.h"

#include <gtest/gtest.h>

namespace tributary::util {
namespace {

constexpr std::string_view kFffd = "\xEF\xBF\xBD";

std::string fffd(int n) {
  std::string out;
  for (int k = 0; k < n; ++k) out.append(kFffd);
  return out;
}

TEST(Utf8, AcceptsWellFormedText) {
  using namespace std::string_view_literals;
  for (std::string_view s : {
           ""sv,  // empty
           "plain ASCII, even \x7f and \0 NUL"sv,
           "h\xC3\xA9llo"sv,                      // 2 bytes: U+00E9
           "\xC2\x80\xDF\xBF"sv,                  // 2 bytes: U+0080, U+07FF
           "\xE2\x82\xAC"sv,                      // 3 bytes: U+20AC
           "\xE0\xA0\x80\xEF\xBF\xBF"sv,          // 3 bytes: U+0800, U+FFFF
           "\xED\x9F\xBF\xEE\x80\x80"sv,          // 3 bytes: U+D7FF, U+E000
           "\xF0\x9F\x8E\xB5"sv,                  // 4 bytes: U+1F3B5
           "\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"sv,  // 4 bytes: U+10000, U+10FFFF
       }) {
    EXPECT_TRUE(is_valid_utf8(s)) << s;
    EXPECT_EQ(utf8_lossy(s), s);
  }
}

struct IllFormed {
  const char* what;
  std::string_view bytes;
  std::string lossy;
};

TEST(Utf8, RejectsAndRepairsIllFormedText) {
  const IllFormed cases[] = {
      // Overlong forms: C0 and C1 never start a sequence; E0 needs A0..BF next, F0 needs 90..BF.
      {"overlong NUL, 2 bytes", "\xC0\x80", fffd(2)},
      {"overlong '/'", "a\xC0\xAFz", "a" + fffd(2) + "z"},
      {"overlong, 3 bytes", "\xE0\x80\x80", fffd(3)},
      {"overlong, 4 bytes", "\xF0\x80\x80\x80", fffd(4)},
      // ED needs 80..9F next: ED A0..BF would encode U+D800..U+DFFF.
      {"surrogate U+D800", "\xED\xA0\x80", fffd(3)},
      // F4 needs 80..8F next; F5..FF never start a sequence.
      {"U+110000", "\xF4\x90\x80\x80", fffd(4)},
      {"F5 lead", "\xF5\x80\x80\x80", fffd(4)},
      {"FF byte", "bad \xFF byte", "bad " + fffd(1) + " byte"},
      // A sequence cut short is one maximal subpart: one U+FFFD, however many bytes it kept.
      {"truncated 2-byte at end", "a\xC3", "a" + fffd(1)},
      {"truncated 3-byte at end", "a\xE2\x82", "a" + fffd(1)},
      {"truncated 4-byte at end", "a\xF0\x9F\x8E", "a" + fffd(1)},
      {"truncated 3-byte before ASCII", "\xE2\x82z", fffd(1) + "z"},
      {"truncated 4-byte before a lead", "\xF0\x9F\xC3\xA9", fffd(1) + "\xC3\xA9"},
      // A continuation byte with no lead before it stands alone.
      {"stray continuation", "a\x80z", "a" + fffd(1) + "z"},
      {"stray continuations", "\xBF\x80", fffd(2)},
      {"one too many continuations", "\xC3\xA9\xA9", "\xC3\xA9" + fffd(1)},
  };
  for (const IllFormed& c : cases) {
    EXPECT_FALSE(is_valid_utf8(c.bytes)) << c.what;
    EXPECT_EQ(utf8_lossy(c.bytes), c.lossy) << c.what;
    EXPECT_TRUE(is_valid_utf8(utf8_lossy(c.bytes))) << c.what;
  }
}

}  // namespace
}  // namespace tributary::util
