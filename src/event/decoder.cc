#include "event/decoder.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

#include "util/gzip.h"
#include "util/hex.h"
#include "util/json_writer.h"
#include "util/mojibake.h"
#include "util/zstd_frame.h"

namespace tributary::event {
namespace {

namespace sj = simdjson;
namespace od = simdjson::ondemand;

constexpr std::int64_t kMinEventTimeMs = 946'684'800'000;    // 2000-01-01T00:00:00Z
constexpr std::int64_t kMaxEventTimeMs = 4'102'444'800'000;  // 2100-01-01T00:00:00Z

enum class Failure : std::uint8_t {
  kNone,
  kInvalidJson,
  kNotAnObject,
  kTooDeep,
  kInvalidUtf8,
  kMissingField,
  kWrongType,
  kOutOfRange,
  kDuplicateField,
  kNulCharacter,
  // A string simdjson cannot unescape: a bad escape (invalid_json) or an escaped unpaired
  // surrogate (invalid_utf8). LineParser::parse tells which from the line's text.
  kBadString,
};

// Why a line was rejected: a failure kind and, for per-field kinds, the field's JSON name.
struct LineError {
  Failure failure = Failure::kNone;
  std::string_view field = {};

  explicit operator bool() const { return failure != Failure::kNone; }
};

Failure from_simdjson(sj::error_code e) {
  switch (e) {
    case sj::UTF8_ERROR:
      return Failure::kInvalidUtf8;
    case sj::DEPTH_ERROR:
      return Failure::kTooDeep;
    case sj::STRING_ERROR:
      return Failure::kBadString;
    default:
      return Failure::kInvalidJson;
  }
}

std::string reason_code(const LineError& e) {
  switch (e.failure) {
    case Failure::kNone:
      break;
    case Failure::kInvalidJson:
    case Failure::kBadString:
      return "invalid_json";
    case Failure::kNotAnObject:
      return "not_an_object";
    case Failure::kTooDeep:
      return "nesting_too_deep";
    case Failure::kInvalidUtf8:
      return "invalid_utf8";
    case Failure::kMissingField:
      return "missing_field:" + std::string(e.field);
    case Failure::kWrongType:
      return "wrong_type:" + std::string(e.field);
    case Failure::kOutOfRange:
      return "out_of_range:" + std::string(e.field);
    case Failure::kDuplicateField:
      return "duplicate_field:" + std::string(e.field);
    case Failure::kNulCharacter:
      return "nul_character:" + std::string(e.field);
  }
  return "unknown";
}

bool in_rule(const FieldInfo& info, const FieldValue& v) {
  switch (info.rule) {
    case ValueRule::kNone:
      return true;
    case ValueRule::kEventTime:
      return v.i >= kMinEventTimeMs && v.i < kMaxEventTimeMs;
    case ValueRule::kNonNegative:
      return v.i >= 0;
    case ValueRule::kDuration:
      return v.d >= 0 && v.d <= 86'400;
    case ValueRule::kLatitude:
      return v.d >= -90 && v.d <= 90;
    case ValueRule::kLongitude:
      return v.d >= -180 && v.d <= 180;
    case ValueRule::kHttpStatus:
      return v.i >= 100 && v.i <= 599;
    case ValueRule::kLevel:
      return v.s == "free" || v.s == "paid";
  }
  return false;
}

// True when `token` (trailing whitespace allowed) is a number by JSON's grammar (RFC 8259).
// simdjson reports a well-formed number it cannot represent, such as 1e400, like a malformed one;
// this tells the two apart.
bool is_json_number(std::string_view token) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < token.size() && token[i] >= '0' && token[i] <= '9') ++i;
    return i > start;
  };
  if (i < token.size() && token[i] == '-') ++i;
  if (i < token.size() && token[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < token.size() && token[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < token.size() && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    if (i < token.size() && (token[i] == '+' || token[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return token.find_first_not_of(" \t\r\n", i) == std::string_view::npos;
}

// True when `json` holds a \u escape of a UTF-16 surrogate that is not half of a high-low pair.
// Such an escape names no Unicode scalar value: the string cannot be valid UTF-8.
bool has_unpaired_surrogate_escape(std::string_view json) {
  const auto hex4 = [&](std::size_t at, std::uint32_t& code) {
    if (at + 4 > json.size()) return false;
    code = 0;
    for (std::size_t k = at; k < at + 4; ++k) {
      const int d = util::hex_digit(json[k]);
      if (d < 0) return false;
      code = code * 16 + static_cast<std::uint32_t>(d);
    }
    return true;
  };
  const auto is_high = [](std::uint32_t c) { return c >= 0xD800 && c <= 0xDBFF; };
  const auto is_low = [](std::uint32_t c) { return c >= 0xDC00 && c <= 0xDFFF; };
  for (std::size_t i = 0; i + 1 < json.size(); ++i) {
    if (json[i] != '\\') continue;
    std::uint32_t code = 0;
    if (json[i + 1] != 'u' || !hex4(i + 2, code)) {
      ++i;  // a two-character escape (\\, \", ...) or a malformed one: skip its second character
      continue;
    }
    i += 5;  // the last hex digit
    if (is_low(code)) return true;
    if (!is_high(code)) continue;
    std::uint32_t low = 0;
    if (i + 2 < json.size() && json[i + 1] == '\\' && json[i + 2] == 'u' && hex4(i + 3, low) &&
        is_low(low)) {
      i += 6;
      continue;
    }
    return true;
  }
  return false;
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

}  // namespace

DecodeStats& DecodeStats::operator+=(const DecodeStats& other) {
  lines += other.lines;
  events += other.events;
  quarantined += other.quarantined;
  bytes += other.bytes;
  for (const auto& [reason, n] : other.reasons) reasons[reason] += n;
  return *this;
}

// Parses, types and validates single lines of one stream. Owns the simdjson parsers, whose string
// buffers back the FieldValue views until the next line.
class ObjectDecoder::LineParser {
 public:
  explicit LineParser(Stream stream)
      : stream_(stream), fields_(stream_fields(stream)), values_(fields_.size()) {
    ts_ = *column_index(stream, Field::kTs);
    session_ = *column_index(stream, Field::kSessionId);
    item_ = *column_index(stream, Field::kItemInSession);
    user_ = *column_index(stream, Field::kUserId);
  }

  // Parses `line` (with `available` readable bytes from its start) and, when it is a valid event,
  // appends it to `batch`.
  LineError parse(const char* line, std::size_t len, std::size_t available, EventBatch& batch,
                  std::uint32_t source) {
    // simdjson reads up to SIMDJSON_PADDING bytes past a line's end: a line followed by that many
    // readable bytes is parsed where it lies, one near the end of the object from a padded copy.
    if (available < len + sj::SIMDJSON_PADDING) {
      line_copy_.assign(line, len);
      line_copy_.resize(len + sj::SIMDJSON_PADDING, ' ');
      line = line_copy_.data();
      available = line_copy_.size();
    }
    LineError e = parse_event(line, len, available, batch, source);
    if (e.failure == Failure::kBadString) {
      e = {has_unpaired_surrogate_escape({line, len}) ? Failure::kInvalidUtf8
                                                      : Failure::kInvalidJson};
    }
    return e;
  }

 private:
  LineError parse_event(const char* line, std::size_t len, std::size_t capacity, EventBatch& batch,
                        std::uint32_t source) {
    std::fill(values_.begin(), values_.end(), FieldValue{});
    seen_.fill(false);
    extra_.clear();
    unknown_keys_.clear();

    od::document doc;
    if (auto e = parser_.iterate(line, len, capacity).get(doc)) return {from_simdjson(e)};
    od::object object;
    if (auto e = doc.get_object().get(object)) {
      if (e != sj::INCORRECT_TYPE) return {from_simdjson(e)};
      // Not an object: tell well-formed JSON of another type from garbage (rare, so the full
      // DOM parse costs nothing on the hot path).
      sj::dom::element element;
      if (auto de = dom_.parse(line, len, /*realloc_if_needed=*/true).get(element)) {
        return {from_simdjson(de)};
      }
      return {Failure::kNotAnObject};
    }
    std::size_t hint = 0;
    for (auto field_result : object) {
      od::field field;
      if (auto e = std::move(field_result).get(field)) return {from_simdjson(e)};
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return {from_simdjson(e)};
      const std::size_t col = find_column(key, hint);
      if (col == fields_.size()) {
        if (LineError e = add_unknown(key, field.value())) return e;
        continue;
      }
      hint = col + 1;
      const FieldInfo& info = fields_[col].info();
      if (seen_[col]) return {Failure::kDuplicateField, info.json_name};
      seen_[col] = true;
      if (LineError e = read_value(info, field.value(), values_[col], repaired_[col])) return e;
    }
    // On-Demand stops at the object's end; anything after it (other than whitespace) is garbage.
    const char* trailing = nullptr;
    if (doc.current_location().get(trailing) == sj::SUCCESS) return {Failure::kInvalidJson};

    for (std::size_t i = 0; i < fields_.size(); ++i) {
      if (fields_[i].required() && !values_[i].present) {
        return {Failure::kMissingField, fields_[i].info().json_name};
      }
    }
    if (!extra_.empty()) extra_.push_back('}');
    const FieldValue& user = values_[user_];
    const EventKey key =
        compute_event_key(stream_, values_[ts_].i, values_[session_].i, values_[item_].i,
                          user.present ? std::optional<std::int64_t>(user.i) : std::nullopt);
    batch.append(values_, extra_, key, source);
    return {};
  }

  // Index of the column named `key`, or fields_.size() when unknown. eventsim writes fields in a
  // fixed order, so the column after the previous match is tried first.
  std::size_t find_column(std::string_view key, std::size_t hint) const {
    if (hint < fields_.size() && fields_[hint].info().json_name == key) return hint;
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      if (fields_[i].info().json_name == key) return i;
    }
    return fields_.size();
  }

  // `repaired` holds a string value that is not the line's own bytes (a repaired name) until the
  // row is appended.
  static LineError read_value(const FieldInfo& info, od::value value, FieldValue& out,
                              std::string& repaired) {
    od::json_type type;
    if (auto e = value.type().get(type)) return {from_simdjson(e)};
    if (type == od::json_type::null) {
      // type() looks at the first byte only, and a value left unread is skipped unchecked: "nope"
      // would pass as null. is_null() checks the whole atom.
      bool is_null = false;
      if (value.is_null().get(is_null) != sj::SUCCESS || !is_null) return {Failure::kInvalidJson};
      return {};  // null is absence; required fields catch it later
    }
    switch (info.type) {
      case FieldType::kString: {
        if (type != od::json_type::string) return {Failure::kWrongType, info.json_name};
        if (auto e = value.get_string().get(out.s)) return {from_simdjson(e)};
        // "\u0000" is valid JSON, but PostgreSQL text cannot hold U+0000 (the batch's load would
        // fail on every retry) and C readers of SQLite text stop at it.
        if (out.s.find('\0') != std::string_view::npos) {
          return {Failure::kNulCharacter, info.json_name};
        }
        if (info.strip_quotes && out.s.size() >= 2 && out.s.front() == '"' && out.s.back() == '"') {
          out.s = out.s.substr(1, out.s.size() - 2);
        }
        if (info.repair_mojibake) {
          if (std::optional<std::string> name = util::undo_mojibake(out.s)) {
            repaired = std::move(*name);
            out.s = repaired;
          }
        }
        break;
      }
      case FieldType::kInt32:
      case FieldType::kInt64:
      case FieldType::kTimestampMs: {
        if (type != od::json_type::number) return {Failure::kWrongType, info.json_name};
        auto e = value.get_int64().get(out.i);
        if (e == sj::INCORRECT_TYPE || e == sj::NUMBER_OUT_OF_RANGE || e == sj::NUMBER_ERROR) {
          // A fraction or exponent is the wrong type; an integer too big for 64 bits is out of
          // range; a token that is no number at all ("-", "01", "1.") is not JSON.
          const std::string_view token = value.raw_json_token();
          if (!is_json_number(token)) return {Failure::kInvalidJson};
          const bool integral = token.find_first_of(".eE") == std::string_view::npos;
          return {integral ? Failure::kOutOfRange : Failure::kWrongType, info.json_name};
        }
        if (e) return {from_simdjson(e)};
        if (info.type == FieldType::kInt32 && (out.i < INT32_MIN || out.i > INT32_MAX)) {
          return {Failure::kOutOfRange, info.json_name};
        }
        break;
      }
      case FieldType::kDouble: {
        if (type != od::json_type::number) return {Failure::kWrongType, info.json_name};
        auto e = value.get_double().get(out.d);
        if (e == sj::NUMBER_OUT_OF_RANGE || e == sj::NUMBER_ERROR) {
          // 1e400 is a JSON number beyond any double; "1." is no JSON number.
          if (!is_json_number(value.raw_json_token())) return {Failure::kInvalidJson};
          return {Failure::kOutOfRange, info.json_name};
        }
        if (e) return {from_simdjson(e)};
        break;
      }
      case FieldType::kBool: {
        if (type != od::json_type::boolean) return {Failure::kWrongType, info.json_name};
        if (auto e = value.get_bool().get(out.b)) return {from_simdjson(e)};
        break;
      }
    }
    out.present = true;
    if (!in_rule(info, out)) return {Failure::kOutOfRange, info.json_name};
    return {};
  }

  // Keeps an unknown field in the row's `extra` object, minified and validated (On-Demand does not
  // fully validate values it skips, and `extra` must be valid JSON for every reader).
  LineError add_unknown(std::string_view key, od::value value) {
    if (std::find(unknown_keys_.begin(), unknown_keys_.end(), key) != unknown_keys_.end()) {
      return {Failure::kDuplicateField, unknown_keys_.emplace_back(key)};
    }
    unknown_keys_.emplace_back(key);
    od::json_type type;
    if (auto e = value.type().get(type)) return {from_simdjson(e)};
    std::string_view raw;
    sj::error_code e = sj::SUCCESS;
    if (type == od::json_type::object) {
      od::object o;
      e = value.get_object().get(o);
      if (!e) e = o.raw_json().get(raw);
    } else if (type == od::json_type::array) {
      od::array a;
      e = value.get_array().get(a);
      if (!e) e = a.raw_json().get(raw);
    } else {
      raw = value.raw_json_token();
      // raw_json_token() does not move past the value, and On-Demand skips a string left unread
      // as a key when ':' follows it: "a":"b":{"c":1}} would pass as "a":"b". Reading the string
      // moves past it, so the object then needs ',' or '}' next. (Other scalars are skipped as
      // values, and what follows them is checked.)
      if (type == od::json_type::string) {
        od::raw_json_string unread;
        e = value.get_raw_json_string().get(unread);
      }
    }
    if (e) return {from_simdjson(e)};
    // Validated as written, before minifying: minify() drops the whitespace between tokens, so
    // invalid text such as [1 2] or [tr ue] would come out valid ([12], [true]) and pass.
    sj::dom::element element;
    if (auto de = dom_.parse(raw.data(), raw.size(), /*realloc_if_needed=*/true).get(element)) {
      // A lone number beyond what a double or a 64-bit integer holds is well-formed JSON.
      if (de == sj::NUMBER_ERROR && type == od::json_type::number && is_json_number(raw)) {
        return {Failure::kOutOfRange, unknown_keys_.back()};
      }
      return {from_simdjson(de)};
    }
    minified_.resize(raw.size());
    std::size_t minified_len = 0;
    if (sj::minify(raw.data(), raw.size(), minified_.data(), minified_len)) {
      return {Failure::kInvalidJson};
    }
    minified_.resize(minified_len);
    extra_.push_back(extra_.empty() ? '{' : ',');
    util::append_json_string(extra_, key);
    extra_.push_back(':');
    extra_.append(minified_);
    return {};
  }

  Stream stream_;
  std::span<const StreamField> fields_;
  std::vector<FieldValue> values_;
  std::array<bool, kFieldCount> seen_{};
  std::size_t ts_, session_, item_, user_;  // columns of the identity fields
  od::parser parser_;
  sj::dom::parser dom_;
  std::string extra_;      // the row's unknown fields as a JSON object being built
  std::string minified_;   // scratch for one unknown value
  std::string line_copy_;  // a line near the object's end, with simdjson's padding
  std::array<std::string, kFieldCount> repaired_;  // per column, for read_value()
  std::vector<std::string> unknown_keys_;
};

ObjectDecoder::ObjectDecoder(Stream stream, DecodeOptions options)
    : stream_(stream), options_(options), parser_(std::make_unique<LineParser>(stream)) {}

ObjectDecoder::~ObjectDecoder() = default;

DecodeStats ObjectDecoder::decode(std::string_view source_key, std::string_view object,
                                  EventBatch& batch, std::vector<QuarantineRecord>& quarantine) {
  DecodeStats stats;
  const std::uint32_t source = batch.add_source(source_key);

  // The text: the decompressed object, or a plain object's bytes where they lie (no copy, so a
  // plain object costs its own size in memory, a compressed one at most max_object_bytes more).
  util::GunzipResult gz;
  std::string_view codec = "gzip";
  std::string_view whole = object;
  if (util::is_gzip(object)) {
    gz = util::gunzip(object, inflated_, options_.max_object_bytes);
    whole = inflated_;
  } else if (util::is_zstd(object)) {
    codec = "zstd";
    gz = util::unzstd(object, inflated_, options_.max_object_bytes);
    whole = inflated_;
  }
  const std::size_t n = whole.size();
  const char* text = whole.data();
  stats.bytes = n;

  auto reject = [&](std::uint64_t line_number, std::size_t offset, std::string_view line,
                    std::string reason) {
    ++stats.lines;
    ++stats.quarantined;
    ++stats.reasons[reason];
    quarantine.push_back(
        QuarantineRecord{stream_, std::string(source_key), line_number, offset, std::move(reason),
                         std::string(line.substr(0, options_.quarantine_line_cap)), line.size()});
  };

  const bool stream_complete = gz.error == util::GunzipError::kNone;
  std::string stream_reason;  // the reason code of an incomplete stream
  if (!stream_complete) {
    stream_reason = util::gunzip_error_name(gz.error);
    if (codec == "zstd" && gz.error != util::GunzipError::kTooLarge) {
      stream_reason.replace(stream_reason.find("gzip"), 4, "zstd");
    }
  }
  // A damaged stream inflates to plausible but possibly wrong bytes before the damage is
  // detected: only the output of members whose checksum matched is trusted. (A truncated stream
  // or one stopped at the size limit is a correct prefix of the object: all of it is trusted.)
  const std::size_t trusted = gz.error == util::GunzipError::kCorrupt ? gz.verified : n;

  std::size_t pos = 0;
  if (n >= 3 && std::memcmp(text, "\xEF\xBB\xBF", 3) == 0) pos = 3;
  std::uint64_t line_number = 0;
  while (pos < n) {
    const void* nl = std::memchr(text + pos, '\n', n - pos);
    const std::size_t end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - text) : n;
    // Without a newline, the tail of a damaged gzip stream is a fragment, reported below.
    if (!nl && !stream_complete) break;
    ++line_number;
    std::size_t len = end - pos;
    if (len > 0 && text[pos + len - 1] == '\r') --len;
    const std::string_view line(text + pos, len);
    if (!is_blank(line)) {
      if (end + (nl ? 1 : 0) > trusted) {
        reject(line_number, pos, line, stream_reason);
      } else if (len > options_.max_line_bytes) {
        reject(line_number, pos, line, "line_too_long");
      } else if (LineError e = parser_->parse(text + pos, len, n - pos, batch, source)) {
        reject(line_number, pos, line, reason_code(e));
      } else {
        ++stats.lines;
        ++stats.events;
      }
    }
    pos = end + 1;
  }
  if (!stream_complete) {
    const std::string_view fragment =
        pos < n ? std::string_view(text + pos, n - pos) : std::string_view();
    reject(line_number + 1, std::min(pos, n), fragment, std::move(stream_reason));
  }
  return stats;
}

}  // namespace tributary::event
