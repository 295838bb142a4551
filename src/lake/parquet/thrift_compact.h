// ThriftCompactWriter: the subset of Thrift's compact protocol that Parquet metadata needs (page
// headers, the footer, the page index), written straight into a byte buffer.
//
// Encoding (Thrift compact protocol specification):
//  - A field header is one byte `(delta << 4) | type` when the field id is 1..15 above the previous
//    field of the same struct, otherwise the type byte followed by the id as a zigzag varint.
//  - Integers are zigzag varints; binary is a varint length and the bytes; a bool field carries
//    its value in the header's type nibble (1 true, 2 false).
//  - A list header is `(size << 4) | element_type` for sizes below 15, otherwise
//    `0xF0 | element_type` followed by the size as a varint.
//  - A struct ends with a 0 byte (STOP).
//
// Invariant: fields of one struct are written in increasing id order (the delta form needs it,
// and Parquet readers expect it); every begin_struct() is matched by end_struct().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::lake::parquet {

enum class ThriftType : std::uint8_t {
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

class ThriftCompactWriter {
 public:
  // Appends to `out`, which must outlive the writer. Starts outside any struct: call
  // begin_struct() for the top-level message.
  explicit ThriftCompactWriter(std::string& out) : out_(out) {}

  void begin_struct();
  void end_struct();

  void field_i32(std::int16_t id, std::int32_t value);
  void field_i64(std::int16_t id, std::int64_t value);
  void field_binary(std::int16_t id, std::string_view value);
  void field_bool(std::int16_t id, bool value);
  // Writes the field header of a nested struct and enters it; close it with end_struct().
  void field_struct(std::int16_t id);
  // Writes a list field header; then write `size` elements with the element functions below
  // (struct elements: begin_struct() ... end_struct()).
  void field_list(std::int16_t id, ThriftType element_type, std::size_t size);

  void element_i32(std::int32_t value) { varint(zigzag(value)); }
  void element_i64(std::int64_t value) { varint(zigzag(value)); }
  void element_binary(std::string_view value);
  void element_bool(bool value);

 private:
  static std::uint64_t zigzag(std::int64_t v) {
    return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
  }
  void varint(std::uint64_t v);
  void field_header(std::int16_t id, ThriftType type);

  std::string& out_;
  // Last field id written in each open struct, innermost last.
  std::vector<std::int16_t> last_field_;
};

}  // namespace tributary::lake::parquet
