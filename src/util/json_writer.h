// Minimal JSON output for command results and the `extra` column: appends to a std::string, no
// intermediate DOM. Invariant: the caller emits a well-formed sequence (keys inside objects, commas
// handled here), which the writer tracks with a small stack.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::util {

// Appends `s` as a JSON string literal (with quotes). `s` must be valid UTF-8; control characters
// are escaped as \u00XX.
void append_json_string(std::string& out, std::string_view s);

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view v);
  JsonWriter& value(const char* v) { return value(std::string_view(v)); }
  JsonWriter& value(std::int64_t v);
  JsonWriter& value(std::uint64_t v);
  JsonWriter& value(int v) { return value(static_cast<std::int64_t>(v)); }
  JsonWriter& value(double v);
  JsonWriter& value(bool v);
  JsonWriter& null();
  // Appends already-serialised JSON as a value.
  JsonWriter& raw(std::string_view json);

 private:
  void before_value();

  std::string& out_;
  // One entry per open container: true once it holds an element (so the next needs a comma).
  std::vector<bool> has_element_;
  bool after_key_ = false;
};

}  // namespace tributary::util
