// AvroValue: a value to encode against an AvroSchema, and the schema-directed encoding that
// checks the value's shape and writes it through an AvroEncoder.
//
// One value kind serves several Avro types; the schema decides the encoding:
//   null                 -> null, or the null branch of a union
//   bool                 -> boolean
//   std::int64_t         -> int (must fit 32 bits), long
//   double               -> float (narrowed), double
//   std::string          -> bytes, string, fixed (exactly `size` bytes)
//   std::vector<AvroValue> -> record (one value per field, in field order), array (its items),
//                           map (entries, each a two-value list: string key, value)
// A non-null value for a union goes to its non-null branch.
//
// encode_value() throws std::invalid_argument naming the path of the first value that does not
// fit (e.g. "data_file.partition.ts_day: expected int, got string"); what it appended to the
// output before the failure is then garbage, so callers encode into a scratch buffer.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "lake/avro/encoder.h"
#include "lake/avro/schema.h"

namespace tributary::lake::avro {

struct AvroValue {
  using List = std::vector<AvroValue>;
  std::variant<std::monostate, bool, std::int64_t, double, std::string, List> v;

  AvroValue() = default;
  AvroValue(std::nullptr_t) {}
  AvroValue(bool b) : v(b) {}
  AvroValue(std::int32_t i) : v(std::int64_t{i}) {}
  AvroValue(std::int64_t i) : v(i) {}
  AvroValue(double d) : v(d) {}
  AvroValue(std::string s) : v(std::move(s)) {}
  AvroValue(const char* s) : v(std::string(s)) {}
  AvroValue(List l) : v(std::move(l)) {}

  bool is_null() const { return std::holds_alternative<std::monostate>(v); }
};

void encode_value(const AvroSchema& schema, const AvroValue& value, AvroEncoder& out);

}  // namespace tributary::lake::avro
