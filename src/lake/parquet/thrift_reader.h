// ThriftCompactReader: parses Thrift compact-protocol structs (Parquet page headers and footers)
// into a small tree, so callers pick fields by id. The inverse of ThriftCompactWriter; see
// thrift_compact.h for the encoding.
//
// Input is untrusted: every read is bounds-checked, nesting is limited to kMaxDepth, lengths are
// checked against the remaining input, and any violation throws std::runtime_error("thrift: ...").
// Maps are not used by Parquet and are rejected.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "lake/parquet/thrift_compact.h"

namespace tributary::lake::parquet {

struct ThriftField;

struct ThriftValue {
  ThriftType type = ThriftType::kStruct;  // booleans are kBoolTrue with `integer` 0 or 1
  std::int64_t integer = 0;               // bool, byte, i16, i32, i64
  double real = 0;
  std::string_view binary;  // points into the parsed input
  std::vector<ThriftValue> elements;
  std::vector<ThriftField> fields;  // struct fields in the order read

  // The field with `id`, or nullptr.
  const ThriftValue* field(std::int16_t id) const;
  // The field's integer; throws std::runtime_error naming `what` when it is absent.
  std::int64_t required_int(std::int16_t id, const char* what) const;
};

struct ThriftField {
  std::int16_t id;
  ThriftValue value;
};

class ThriftCompactReader {
 public:
  static constexpr int kMaxDepth = 64;

  explicit ThriftCompactReader(std::string_view input) : input_(input) {}

  // Reads one struct starting at the current position.
  ThriftValue read_struct();
  // Bytes consumed so far.
  std::size_t position() const { return pos_; }

 private:
  std::uint8_t byte();
  std::uint64_t varint();
  std::int64_t zigzag_varint();
  ThriftValue read_value(ThriftType type, int depth);
  ThriftValue read_struct_at(int depth);

  std::string_view input_;
  std::size_t pos_ = 0;
};

}  // namespace tributary::lake::parquet
