// Malformed input, one case per reason code: the line is quarantined with exactly that reason, and
// the good lines around it survive.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>

#include "event/decoder.h"
#include "test_support.h"
#include "util/zstd_frame.h"

namespace tributary::event {
namespace {

using tributary::testing::gzip;

// A real listen event from the samples (userAgent with its literal quotes).
const std::string kListen =
    R"({"artist":"Selena","song":"I Could Fall In Love","duration":278.3081,"ts":1661129352330,)"
    R"("sessionId":20213,"auth":"Logged In","level":"paid","itemInSession":28,"city":"Alhambra",)"
    R"("zip":"91803","state":"CA","userAgent":"\"Mozilla/5.0 (Macintosh)\"","lon":-118.145959,)"
    R"("lat":34.074736,"userId":875,"lastName":"Cruz","firstName":"William","gender":"M",)"
    R"("registration":1654748074330})";
const std::string kPageView =
    R"({"ts":1703438319902,"sessionId":729,"page":"Home","auth":"Logged In","method":"GET",)"
    R"("status":200,"level":"paid","itemInSession":107,"city":"Anaheim","zip":"92806",)"
    R"("state":"CA","userAgent":"x","lon":-117.870494,"lat":33.83796})";
const std::string kAuth =
    R"({"ts":1703438540902,"sessionId":53,"level":"free","itemInSession":2,"city":"Miami",)"
    R"("zip":"85539","state":"AZ","userAgent":"x","lon":-110.894685,"lat":33.339679,)"
    R"("success":false})";

// Replaces the first occurrence of `from` in `s`; fails loudly if absent so cases stay honest.
std::string with(std::string s, std::string_view from, std::string_view to) {
  const auto at = s.find(from);
  if (at == std::string::npos) throw std::logic_error("no " + std::string(from));
  return s.replace(at, from.size(), to);
}

struct Case {
  const char* name;
  Stream stream;
  std::string bad_line;
  std::string reason;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

const std::string& good_line(Stream s) {
  return s == Stream::kListen ? kListen : s == Stream::kPageView ? kPageView : kAuth;
}

std::vector<Case> cases() {
  const std::string deep = std::string(1100, '[') + std::string(1100, ']');
  return {
      {"not_json", Stream::kListen, "hello world", "invalid_json"},
      {"truncated", Stream::kListen, kListen.substr(0, 120), "invalid_json"},
      {"trailing_content", Stream::kListen, kListen + " {}", "invalid_json"},
      {"bad_escape", Stream::kListen, with(kListen, "Selena", R"(Sel\qena)"), "invalid_json"},
      {"array", Stream::kListen, "[1,2,3]", "not_an_object"},
      {"string", Stream::kListen, R"("just a string")", "not_an_object"},
      {"deep", Stream::kListen, with(kListen, R"("artist")", R"("x":)" + deep + R"(,"artist")"),
       "nesting_too_deep"},
      {"invalid_utf8", Stream::kListen, with(kListen, "Alhambra", "Alh\xff\xfe"), "invalid_utf8"},
      {"overlong_utf8", Stream::kListen, with(kListen, "Alhambra", "Alh\xc0\xafmbra"),
       "invalid_utf8"},
      {"too_long", Stream::kListen, with(kListen, "Selena", std::string(5000, 'a')),
       "line_too_long"},
      {"missing_ts", Stream::kListen, with(kListen, R"("ts":1661129352330,)", ""),
       "missing_field:ts"},
      {"null_session", Stream::kListen,
       with(kListen, R"("sessionId":20213)", R"("sessionId":null)"), "missing_field:sessionId"},
      {"missing_success", Stream::kAuth, with(kAuth, R"(,"success":false)", ""),
       "missing_field:success"},
      {"string_session", Stream::kListen, with(kListen, "20213", R"("20213")"),
       "wrong_type:sessionId"},
      {"fraction_item", Stream::kListen,
       with(kListen, R"("itemInSession":28)", R"("itemInSession":2.5)"),
       "wrong_type:itemInSession"},
      {"number_artist", Stream::kListen, with(kListen, R"("Selena")", "42"), "wrong_type:artist"},
      {"string_success", Stream::kAuth, with(kAuth, "false", R"("no")"), "wrong_type:success"},
      {"object_city", Stream::kListen, with(kListen, R"("Alhambra")", R"({"name":"A"})"),
       "wrong_type:city"},
      {"negative_duration", Stream::kListen, with(kListen, "278.3081", "-1.5"),
       "out_of_range:duration"},
      {"ancient_ts", Stream::kListen, with(kListen, "1661129352330", "100"), "out_of_range:ts"},
      {"future_ts", Stream::kListen, with(kListen, "1661129352330", "4102444800000"),
       "out_of_range:ts"},
      {"huge_user", Stream::kListen, with(kListen, "875", "99999999999999999999999"),
       "out_of_range:userId"},
      {"int32_item", Stream::kListen,
       with(kListen, R"("itemInSession":28)", R"("itemInSession":3000000000)"),
       "out_of_range:itemInSession"},
      {"latitude", Stream::kListen, with(kListen, "34.074736", "134.0"), "out_of_range:lat"},
      {"status", Stream::kPageView, with(kPageView, "200", "999"), "out_of_range:status"},
      {"level", Stream::kListen, with(kListen, R"("paid")", R"("gold")"), "out_of_range:level"},
      {"registration", Stream::kListen, with(kListen, "1654748074330", "-5"),
       "out_of_range:registration"},
      {"duplicate_known", Stream::kListen,
       with(kListen, R"("ts":1661129352330,)", R"("ts":1661129352330,"ts":1661129352331,)"),
       "duplicate_field:ts"},
      {"duplicate_unknown", Stream::kPageView,
       with(kPageView, R"("page")", R"("a":1,"a":2,"page")"), "duplicate_field:a"},
      {"bad_unknown_value", Stream::kPageView, with(kPageView, R"("page")", R"("a":[1,,2],"page")"),
       "invalid_json"},
      // A string followed by ':' is no member value (here the '{' after "a": is lost); the rest
      // must not be skipped as if "b" were a key.
      // Whitespace splitting a token stays invalid: minifying must not join [1 2] into [12].
      {"split_unknown_number", Stream::kPageView,
       with(kPageView, R"("page")", R"("a":[1 2],"page")"), "invalid_json"},
      {"split_unknown_literal", Stream::kPageView,
       with(kPageView, R"("page")", R"("a":{"b":tr ue},"page")"), "invalid_json"},
      {"unknown_string_then_colon", Stream::kPageView,
       with(kPageView, R"("page")", R"("a":"b":{"c":1}},"page")"), "invalid_json"},
      // Escapes of unpaired UTF-16 surrogates name no character: invalid UTF-8, not bad JSON.
      {"lone_high_surrogate", Stream::kListen, with(kListen, "Alhambra", R"(Alh\ud800mbra)"),
       "invalid_utf8"},
      {"lone_low_surrogate", Stream::kListen, with(kListen, "Alhambra", R"(\udc00)"),
       "invalid_utf8"},
      {"reversed_surrogates", Stream::kListen, with(kListen, "Alhambra", R"(\udc00\ud800)"),
       "invalid_utf8"},
      {"surrogate_in_key", Stream::kPageView, with(kPageView, R"("page")", R"("k\ud800":1,"page")"),
       "invalid_utf8"},
      {"surrogate_in_unknown_value", Stream::kPageView,
       with(kPageView, R"("page")", R"("a":["\udbff"],"page")"), "invalid_utf8"},
      {"bad_escape_after_pair", Stream::kListen, with(kListen, "Alhambra", R"(\ud83c\udfb5 \q)"),
       "invalid_json"},
      // Well-formed numbers beyond what the column holds are out of range, whatever simdjson's
      // error; tokens that are no JSON number are invalid JSON.
      {"huge_double", Stream::kListen, with(kListen, "34.074736", "1e400"), "out_of_range:lat"},
      {"huge_negative_double", Stream::kListen, with(kListen, "278.3081", "-1E+999"),
       "out_of_range:duration"},
      {"huge_unknown_number", Stream::kPageView,
       with(kPageView, R"("page")", R"("a":18446744073709551616,"page")"), "out_of_range:a"},
      {"lone_minus", Stream::kListen,
       with(kListen, R"("itemInSession":28)", R"("itemInSession":-)"), "invalid_json"},
      {"trailing_dot_int", Stream::kListen,
       with(kListen, R"("itemInSession":28)", R"("itemInSession":28.)"), "invalid_json"},
      {"trailing_dot_double", Stream::kListen, with(kListen, "278.3081", "278."), "invalid_json"},
      // U+0000 in a column would fail the PostgreSQL load of the whole batch on every retry.
      {"nul_in_string", Stream::kListen, with(kListen, "Alhambra", R"(Alh\u0000mbra)"),
       "nul_character:city"},
      {"leading_zero", Stream::kListen, with(kListen, "34.074736", "034.07"), "invalid_json"},
      // A token starting with 'n' is no null unless it is exactly `null`: a guest's userId must
      // not come from garbage (the identity would silently change).
      {"bad_null_optional", Stream::kListen, with(kListen, R"("userId":875)", R"("userId":nope)"),
       "invalid_json"},
      {"truncated_null", Stream::kListen, with(kListen, R"("userId":875)", R"("userId":nul)"),
       "invalid_json"},
      {"null_with_suffix", Stream::kListen,
       with(kListen, R"("sessionId":20213)", R"("sessionId":nullx)"), "invalid_json"},
  };
}

class DecoderMalformed : public ::testing::TestWithParam<Case> {};

TEST_P(DecoderMalformed, QuarantinesTheLineAndKeepsItsNeighbours) {
  const Case& c = GetParam();
  const std::string& good = good_line(c.stream);
  const std::string object = good + "\n" + c.bad_line + "\n" + good + "\n";
  DecodeOptions options;
  options.max_line_bytes = 4096;
  options.quarantine_line_cap = 100;
  ObjectDecoder decoder(c.stream, options);
  EventBatch batch(c.stream);
  std::vector<QuarantineRecord> quarantine;
  const DecodeStats stats = decoder.decode("Raw/x/2023061719_0.json", object, batch, quarantine);

  EXPECT_EQ(stats.lines, 3u);
  EXPECT_EQ(stats.events, 2u);
  EXPECT_EQ(stats.quarantined, 1u);
  ASSERT_EQ(quarantine.size(), 1u);
  const QuarantineRecord& r = quarantine[0];
  EXPECT_EQ(r.reason, c.reason);
  EXPECT_EQ(stats.reasons.at(c.reason), 1u);
  EXPECT_EQ(r.stream, c.stream);
  EXPECT_EQ(r.source_key, "Raw/x/2023061719_0.json");
  EXPECT_EQ(r.line_number, 2u);
  EXPECT_EQ(r.byte_offset, good.size() + 1);
  EXPECT_EQ(r.line_bytes, c.bad_line.size());
  EXPECT_EQ(r.line, c.bad_line.substr(0, 100));
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(batch.keys()[0], batch.keys()[1]);  // the same good line twice
}

INSTANTIATE_TEST_SUITE_P(Reasons, DecoderMalformed, ::testing::ValuesIn(cases()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

struct Result {
  EventBatch batch;
  std::vector<QuarantineRecord> quarantine;
  DecodeStats stats;
};

Result decode(Stream stream, std::string_view object, DecodeOptions options = {}) {
  Result r{EventBatch(stream), {}, {}};
  ObjectDecoder decoder(stream, options);
  r.stats = decoder.decode("obj", object, r.batch, r.quarantine);
  return r;
}

TEST(DecoderFraming, AcceptsBomCrlfBlankLinesAndNoFinalNewline) {
  const std::string object =
      "\xEF\xBB\xBF" + kListen + "\r\n\r\n   \n" + kListen + "\r\n\n" + kListen;
  const Result r = decode(Stream::kListen, object);
  EXPECT_EQ(r.stats.events, 3u);
  EXPECT_EQ(r.stats.lines, 3u);
  EXPECT_EQ(r.stats.quarantined, 0u);
  EXPECT_EQ(r.batch.column(Field::kUserAgent).str.at(2), "Mozilla/5.0 (Macintosh)");
}

// Plain objects are parsed in place: a line needs SIMDJSON_PADDING readable bytes after it or it
// is parsed from a padded copy. Every distance from the object's end must work, and under ASan
// the exactly-sized heap buffer shows that nothing past the object is read.
TEST(DecoderFraming, LinesAtEveryDistanceFromTheEndOfAPlainObjectParse) {
  for (std::size_t tail = 0; tail <= 80; ++tail) {
    const std::string text = kListen + "\nbroken\n" + kListen + std::string(tail, '\n');
    const std::unique_ptr<char[]> exact(new char[text.size()]);
    std::memcpy(exact.get(), text.data(), text.size());
    const Result r = decode(Stream::kListen, std::string_view(exact.get(), text.size()));
    EXPECT_EQ(r.stats.events, 2u) << "tail " << tail;
    ASSERT_EQ(r.quarantine.size(), 1u) << "tail " << tail;
    EXPECT_EQ(r.quarantine[0].reason, "invalid_json");
  }
}

TEST(DecoderFraming, LineNumbersCountBlankLines) {
  const Result r = decode(Stream::kListen, kListen + "\n\n\nbroken\n" + kListen);
  ASSERT_EQ(r.quarantine.size(), 1u);
  EXPECT_EQ(r.quarantine[0].line_number, 4u);
  EXPECT_EQ(r.quarantine[0].byte_offset, kListen.size() + 3);
}

TEST(DecoderFraming, EmptyAndBlankObjectsHaveNoLines) {
  for (const std::string& object : {std::string(), std::string("\n\n"), gzip("")}) {
    const Result r = decode(Stream::kListen, object);
    EXPECT_EQ(r.stats.lines, 0u);
    EXPECT_EQ(r.stats.events, 0u);
    EXPECT_TRUE(r.quarantine.empty());
  }
}

TEST(DecoderExtra, UnknownFieldsAreKeptAsCompactJson) {
  const std::string line =
      with(kListen, R"("artist")",
           R"("experiment": { "arm" : [1, 2.5, "b c"] }, "flag":true, "n":null, "artist")");
  const Result r = decode(Stream::kListen, line + "\n" + kListen);
  ASSERT_EQ(r.batch.size(), 2u);
  EXPECT_TRUE(r.batch.extra().is_valid(0));
  EXPECT_EQ(r.batch.extra().str.at(0),
            R"({"experiment":{"arm":[1,2.5,"b c"]},"flag":true,"n":null})");
  EXPECT_FALSE(r.batch.extra().is_valid(1));
  EXPECT_EQ(r.batch.column(Field::kArtist).str.at(0), "Selena");
}

TEST(DecoderExtra, TagIsAKnownOptionalField) {
  const Result r =
      decode(Stream::kListen, with(kListen, R"("artist")", R"("tag":"run-7","artist")"));
  ASSERT_EQ(r.batch.size(), 1u);
  EXPECT_EQ(r.batch.column(Field::kTag).str.at(0), "run-7");
  EXPECT_FALSE(r.batch.extra().is_valid(0));
}

TEST(DecoderValues, EscapesAndUnicodeAreDecoded) {
  const Result r = decode(Stream::kListen, with(kListen, "Selena", R"(Beyonc\u00e9 \"B\" 🎵 \/)"));
  ASSERT_EQ(r.batch.size(), 1u);
  EXPECT_EQ(r.batch.column(Field::kArtist).str.at(0), "Beyoncé \"B\" 🎵 /");
}

TEST(DecoderValues, SurrogatePairsAndEscapedBackslashesAreNotUnpairedSurrogates) {
  const Result r =
      decode(Stream::kListen, with(kListen, "Selena", R"(\ud83c\udfb5 \\ud800 \u00e9)") + "\n" +
                                  with(kListen, R"("artist")", R"("x\\udc00":1,"artist")"));
  ASSERT_EQ(r.batch.size(), 2u) << (r.quarantine.empty() ? "" : r.quarantine[0].reason);
  EXPECT_EQ(r.batch.column(Field::kArtist).str.at(0), "🎵 \\ud800 é");
  EXPECT_EQ(r.batch.extra().str.at(1), R"({"x\\udc00":1})");
}

TEST(DecoderValues, NulInAnUnknownFieldStaysEscapedInExtra) {
  const Result r =
      decode(Stream::kListen, with(kListen, R"("artist")", R"("n":"a\u0000b","artist")"));
  ASSERT_EQ(r.batch.size(), 1u);
  EXPECT_EQ(r.batch.extra().str.at(0), R"({"n":"a\u0000b"})");
}

TEST(DecoderValues, IntegralDurationIsADouble) {
  const Result r = decode(Stream::kListen, with(kListen, "278.3081", "200"));
  ASSERT_EQ(r.batch.size(), 1u);
  EXPECT_DOUBLE_EQ(r.batch.column(Field::kDuration).f64[0], 200.0);
}

TEST(DecoderGzip, TruncatedObjectKeepsCompleteLinesAndQuarantinesTheRest) {
  std::string plain;
  for (int i = 0; i < 3000; ++i) plain += with(kListen, "20213", std::to_string(i)) + "\n";
  const std::string z = gzip(plain);
  const Result r = decode(Stream::kListen, z.substr(0, z.size() / 2));
  EXPECT_GT(r.stats.events, 0u);
  EXPECT_LT(r.stats.events, 3000u);
  ASSERT_EQ(r.quarantine.size(), 1u);
  EXPECT_EQ(r.quarantine[0].reason, "truncated_gzip");
  EXPECT_EQ(r.quarantine[0].line_number, r.stats.events + 1);
  EXPECT_EQ(r.stats.lines, r.stats.events + r.stats.quarantined);
  // Every event decoded is one of the original lines, in order.
  for (std::size_t i = 0; i < r.batch.size(); ++i) {
    EXPECT_EQ(r.batch.column(Field::kSessionId).i64[i], static_cast<std::int64_t>(i));
  }
}

TEST(DecoderGzip, BombIsStoppedAtTheLimit) {
  std::string plain;
  for (int i = 0; i < 20000; ++i) plain += kListen + "\n";
  DecodeOptions options;
  options.max_object_bytes = 1 << 20;
  const Result r = decode(Stream::kListen, gzip(plain), options);
  ASSERT_EQ(r.quarantine.size(), 1u);
  EXPECT_EQ(r.quarantine[0].reason, "decompressed_too_large");
  EXPECT_EQ(r.stats.events, (1u << 20) / (kListen.size() + 1));
}

// A member whose checksum fails may have inflated to wrong but well-formed events (a flipped bit
// in the deflate data turns "70508" into "t0508"): none of its lines is loaded.
TEST(DecoderGzip, LinesOfADamagedMemberAreQuarantinedEvenWhenTheyParse) {
  const std::string intact = gzip(kListen + "\n" + kListen + "\n");
  std::string damaged = gzip(kListen + "\n\n" + kListen + "\n" + kListen + "\n");
  damaged[damaged.size() - 8] ^= 0x01;  // its CRC-32: every byte inflates, the check fails
  const Result r = decode(Stream::kListen, intact + damaged);
  EXPECT_EQ(r.stats.events, 2u);
  ASSERT_EQ(r.quarantine.size(), 4u);  // 3 lines of the damaged member and the empty fragment
  const std::uint64_t numbers[] = {3, 5, 6, 7};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(r.quarantine[i].reason, "corrupt_gzip");
    EXPECT_EQ(r.quarantine[i].line_number, numbers[i]);
  }
  EXPECT_EQ(r.quarantine[0].line, kListen);
  EXPECT_EQ(r.quarantine[3].line, "");
  EXPECT_EQ(r.stats.lines, r.stats.events + r.stats.quarantined);
}

TEST(DecoderZstd, LinesOfADamagedFrameAreQuarantined) {
  // Larger than zstd's 128 KiB block, so the blocks before the checksum are flushed.
  std::string lines;
  for (int i = 0; i < 1000; ++i) lines += kListen + "\n";
  std::string damaged = util::zstd_compress(lines);
  damaged.back() ^= 0x01;  // the frame's content checksum
  const Result r = decode(Stream::kListen, util::zstd_compress(kListen + "\n") + damaged);
  EXPECT_EQ(r.stats.events, 1u);
  EXPECT_GT(r.quarantine.size(), 1u);
  for (const QuarantineRecord& q : r.quarantine) EXPECT_EQ(q.reason, "corrupt_zstd");
  EXPECT_EQ(r.stats.lines, r.stats.events + r.stats.quarantined);
}

TEST(DecoderZstd, BronzeCopiesDecodeLikeTheRawObject) {
  const std::string plain = kListen + "\nbroken\n" + kListen;
  const Result raw = decode(Stream::kListen, plain);
  const Result bronze = decode(Stream::kListen, util::zstd_compress(plain));
  EXPECT_EQ(bronze.stats.events, 2u);
  EXPECT_EQ(bronze.batch.keys(), raw.batch.keys());
  ASSERT_EQ(bronze.quarantine.size(), 1u);
  EXPECT_EQ(bronze.quarantine[0].reason, "invalid_json");
  const std::string z = util::zstd_compress(plain + "\n" + plain + "\n" + plain);
  const Result cut = decode(Stream::kListen, z.substr(0, z.size() - 4));
  ASSERT_FALSE(cut.quarantine.empty());
  EXPECT_EQ(cut.quarantine.back().reason, "truncated_zstd");
}

TEST(DecoderGzip, CorruptObjectIsQuarantined) {
  const Result r = decode(Stream::kListen, std::string("\x1f\x8b") + "not really gzip at all");
  ASSERT_EQ(r.quarantine.size(), 1u);
  EXPECT_EQ(r.quarantine[0].reason, "corrupt_gzip");
  EXPECT_EQ(r.stats.events, 0u);
}

}  // namespace
}  // namespace tributary::event
