// undo_mojibake on eventsim's real garbled names, on genuine non-ASCII names that must stay as they
// are, and as a property over random text.
#include "util/mojibake.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "util/utf8.h"

namespace tributary::util {
namespace {

// `s` decoded as Latin-1 and encoded as UTF-8: what the garbling does once.
std::string garble(std::string_view s) {
  std::string out;
  for (const char ch : s) {
    const auto b = static_cast<unsigned char>(ch);
    if (b < 0x80) {
      out.push_back(ch);
    } else {
      out.push_back(static_cast<char>(0xC0 | b >> 6));
      out.push_back(static_cast<char>(0x80 | (b & 0x3F)));
    }
  }
  return out;
}

struct Garbled {
  const char* raw;
  const char* repaired;
};

// Copied byte for byte from eventsim's output (tests/data/, src/gen/song_catalog_table.cc): every
// one is garbled twice.
constexpr Garbled kEventsimNames[] = {
    {"Bj\xc3\x83\xc2\x83\xc3\x82\xc2\xb6rk", "Björk"},
    {"Michael Bubl\xc3\x83\xc2\x83\xc3\x82\xc2\xa9", "Michael Bublé"},
    {"\xc3\x83\xc2\x83\xc3\x82\xc2\x89tienne Daho", "Étienne Daho"},
    {"Samba Da Ben\xc3\x83\xc2\x83\xc3\x82\xc2\xa7\xc3\x83\xc2\x83\xc3\x82\xc2\xa3o",
     "Samba Da Benção"},
    {"Schie\xc3\x83\xc2\x83\xc3\x82\xc2\x9ft die Deutschen raus", "Schießt die Deutschen raus"},
    {"Trentem\xc3\x83\xc2\x83\xc3\x82\xc2\xb8ller", "Trentemøller"},
    {"Ti\xc3\x83\xc2\x83\xc3\x82\xc2\xabsto", "Tiësto"},
    {"Vin\xc3\x83\xc2\x83\xc3\x82\xc2\xad"
     "cius de Moraes",
     "Vinícius de Moraes"},
    {"Il Mare Pi\xc3\x83\xc2\x83\xc3\x82\xc2\xb9 Grande Che C'\xc3\x83\xc2\x83\xc3\x82\xc2\xa8 (I "
     "Love You Man)",
     "Il Mare Più Grande Che C'è (I Love You Man)"},
    {"Emil Gilels/Orchestre de la Soci\xc3\x83\xc2\x83\xc3\x82\xc2\xa9t\xc3\x83\xc2\x83\xc3\x82\xc2"
     "\xa9 des Concerts du Conservatoire/Andr\xc3\x83\xc2\x83\xc3\x82\xc2\xa9 Cluytens",
     "Emil Gilels/Orchestre de la Société des Concerts du Conservatoire/André Cluytens"},
    {"En un sue\xc3\x83\xc2\x83\xc3\x82\xc2\xb1o", "En un sueño"},
};

TEST(Mojibake, EventsimsGarbledNamesAreRepaired) {
  for (const Garbled& g : kEventsimNames) {
    EXPECT_EQ(repair_mojibake(g.raw), g.repaired) << g.raw;
  }
}

TEST(Mojibake, OneGarblingAndTheWindows1252FormAreRepairedToo) {
  EXPECT_EQ(repair_mojibake("Beyonc\xc3\x83\xc2\xa9"), "Beyoncé");
  // Björk garbled twice through Windows-1252: the second pass turns byte 0x83 into U+0192 (ƒ).
  EXPECT_EQ(repair_mojibake("Bj\xc3\x83\xc6\x92\xc3\x82\xc2\xb6rk"), "Björk");
  EXPECT_EQ(repair_mojibake(garble(garble(garble("東京")))), "東京");
  EXPECT_EQ(repair_mojibake(garble("🎵 Sigur Rós")), "🎵 Sigur Rós");
}

TEST(Mojibake, GenuineNamesAreNeverChanged) {
  const std::vector<std::string> names = {
      "Ólafur Arnalds",
      "Ça va",
      "東京",
      "🎵🎶",
      "Sigur Rós",
      "Mötley Crüe",
      "Björk",
      "Beyoncé",
      "Ñandú",
      "Zoë",
      "naïve",
      "Œuvre",
      "€100",
      "Ελλάδα",
      "Москва",
      "Façade",
      "Ædelweiß",
      "Dvořák",
      "Ærø",
      "ÀÉÎÕÜ",
      "¡Olé!",
      "Ã",
      "Âge",
      "Â",
      "Queen",
      "",
      "Sinéad O’Connor",
      // Partly garbled next to a character no single-byte decoding produces: left alone.
      "東京 " + garble("Björk"),
  };
  for (const std::string& n : names) {
    EXPECT_FALSE(undo_mojibake(n)) << n;
    EXPECT_EQ(repair_mojibake(n), n);
  }
}

TEST(Mojibake, TheAmbiguousCaseIsRepairedAsDocumented) {
  // "Ã©" written on purpose spells the UTF-8 of "é": no rule can tell it from mojibake.
  EXPECT_EQ(repair_mojibake("Ã©"), "é");
}

TEST(Mojibake, IllFormedInputIsLeftAsItIs) {
  EXPECT_FALSE(undo_mojibake("Bj\xf6rk"));
  EXPECT_FALSE(undo_mojibake("\xc3\x83\xc2"));
}

// Random text over an alphabet rich in the characters the rule looks at: the result is valid UTF-8
// and a fixed point; a text the rule leaves alone comes back from one to three garblings.
TEST(Mojibake, RepairIsIdempotentValidAndUndoesGarbling) {
  const std::vector<std::string> alphabet = {
      "a", " ", "'", "Ã",  "Â", "©", "\xc2\x83", "\xc2\x9f", "¶", "é",        "ö",
      "ƒ", "€", "™", "東", "🎵", "ß", "Ð",        "ô",        "õ", "\xc2\xa0", "Ω"};
  std::mt19937 rng(20240607);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> length(0, 8);
  int roundtrips = 0;
  for (int i = 0; i < 20'000; ++i) {
    std::string s;
    for (int n = length(rng); n > 0; --n) s += alphabet[pick(rng)];
    const std::string r = repair_mojibake(s);
    ASSERT_TRUE(is_valid_utf8(r)) << s;
    ASSERT_EQ(repair_mojibake(r), r) << s;
    if (r != s) continue;
    std::string g = s;
    for (int times = 1; times <= 3; ++times) {
      g = garble(g);
      ASSERT_EQ(repair_mojibake(g), s) << s << " garbled " << times << " times";
    }
    ++roundtrips;
  }
  EXPECT_GT(roundtrips, 1000);
}

}  // namespace
}  // namespace tributary::util
