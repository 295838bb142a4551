// AvroEncoder: Avro's binary encoding of primitive values (Avro 1.11 specification, "Binary
// Encoding"), appended to a caller-owned std::string. It knows nothing of schemas: the caller
// writes the values a schema prescribes in its order (see value.h for the schema-directed layer).
//
//  - int and long: zig-zag, then a little-endian base-128 varint (7 bits a byte, high bit set on
//    every byte but the last); an int takes at most 5 bytes, a long at most 10.
//  - float and double: IEEE 754 little-endian, 4 and 8 bytes, bit for bit (NaN payloads kept).
//  - boolean: one byte, 0 or 1. null: nothing.
//  - bytes and string: a long length, then the bytes. fixed: the bytes alone.
//  - union: a long branch index, then the branch's value.
//  - array and map: blocks, each a long count and its items, ended by a zero count. The encoder
//    writes a non-empty collection as one block (the count known up front) and an empty one as
//    the end marker alone.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tributary::lake::avro {

class AvroEncoder {
 public:
  explicit AvroEncoder(std::string& out) : out_(out) {}

  void write_boolean(bool v) { out_.push_back(v ? '\1' : '\0'); }
  void write_int(std::int32_t v) { write_long(v); }
  void write_long(std::int64_t v);
  void write_float(float v);
  void write_double(double v);
  void write_bytes(std::string_view v);
  void write_string(std::string_view v) { write_bytes(v); }
  void write_fixed(std::string_view v) { out_.append(v); }
  void write_union_index(std::int64_t branch) { write_long(branch); }
  // The start of a collection of `count` items (array items or map entries): a one-block header,
  // or, for an empty collection, the end marker. After a non-empty collection's items the caller
  // calls end_collection().
  void begin_collection(std::int64_t count) { write_long(count); }
  void end_collection() { write_long(0); }

  std::string& out() { return out_; }

 private:
  std::string& out_;
};

// The zig-zag varint of `v` alone, as AvroEncoder::write_long appends it.
std::string encode_long(std::int64_t v);

}  // namespace tributary::lake::avro
