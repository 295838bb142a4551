#include "ingest/s3_event.h"

#include <simdjson.h>

#include <stdexcept>

#include "util/hex.h"

namespace tributary::ingest {
namespace {

std::string_view string_at(simdjson::dom::element e, const char* pointer, const char* what) {
  std::string_view out;
  if (e.at_pointer(pointer).get(out)) {
    throw std::invalid_argument(std::string("S3 event record without ") + what);
  }
  return out;
}

}  // namespace

std::string url_decode_form(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      const int hi = i + 2 < text.size() ? util::hex_digit(text[i + 1]) : -1;
      const int lo = i + 2 < text.size() ? util::hex_digit(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) throw std::invalid_argument("malformed %-escape in object key");
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::vector<ObjectHint> parse_s3_event(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto e = parser.parse(json.data(), json.size()).get(root)) {
    throw std::invalid_argument(std::string("not JSON: ") + simdjson::error_message(e));
  }
  if (!root.is_object()) throw std::invalid_argument("S3 event is not a JSON object");
  std::string_view event;
  if (!root["Event"].get(event) && event == "s3:TestEvent") return {};
  simdjson::dom::array records;
  if (root["Records"].get(records)) {
    throw std::invalid_argument("S3 event without a Records array");
  }
  std::vector<ObjectHint> hints;
  for (simdjson::dom::element record : records) {
    std::string_view name = string_at(record, "/eventName", "eventName");
    if (name.starts_with("s3:")) name.remove_prefix(3);
    if (!name.starts_with("ObjectCreated:")) continue;
    ObjectHint hint;
    hint.event_name = std::string(name);
    hint.bucket = std::string(string_at(record, "/s3/bucket/name", "s3.bucket.name"));
    hint.key = url_decode_form(string_at(record, "/s3/object/key", "s3.object.key"));
    std::string_view etag;
    if (!record.at_pointer("/s3/object/eTag").get(etag)) hint.etag = std::string(etag);
    std::uint64_t size = 0;
    if (!record.at_pointer("/s3/object/size").get(size)) hint.size = size;
    hints.push_back(std::move(hint));
  }
  return hints;
}

std::optional<std::string> source_key_of(const ObjectHint& hint, std::string_view source_uri) {
  constexpr std::string_view kS3 = "s3://";
  if (!source_uri.starts_with(kS3)) return hint.key;
  std::string_view rest = source_uri.substr(kS3.size());
  const std::size_t slash = rest.find('/');
  const std::string_view bucket = rest.substr(0, slash);
  std::string prefix(slash == std::string_view::npos ? "" : rest.substr(slash + 1));
  if (!prefix.empty() && !prefix.ends_with('/')) prefix += '/';
  if (!hint.bucket.empty() && hint.bucket != bucket) return std::nullopt;
  if (!hint.key.starts_with(prefix)) return std::nullopt;
  return hint.key.substr(prefix.size());
}

}  // namespace tributary::ingest
