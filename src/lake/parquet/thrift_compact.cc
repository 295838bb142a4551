#include "lake/parquet/thrift_compact.h"

#include <stdexcept>

namespace tributary::lake::parquet {

void ThriftCompactWriter::varint(std::uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void ThriftCompactWriter::begin_struct() {
  last_field_.push_back(0);
}

void ThriftCompactWriter::end_struct() {
  if (last_field_.empty()) throw std::logic_error("thrift: end_struct without begin_struct");
  out_.push_back('\0');
  last_field_.pop_back();
}

void ThriftCompactWriter::field_header(std::int16_t id, ThriftType type) {
  if (last_field_.empty()) throw std::logic_error("thrift: field outside a struct");
  std::int16_t& last = last_field_.back();
  if (id <= last) throw std::logic_error("thrift: field ids must increase within a struct");
  const int delta = id - last;
  if (delta <= 15) {
    out_.push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_.push_back(static_cast<char>(type));
    varint(zigzag(id));
  }
  last = id;
}

void ThriftCompactWriter::field_i32(std::int16_t id, std::int32_t value) {
  field_header(id, ThriftType::kI32);
  varint(zigzag(value));
}

void ThriftCompactWriter::field_i64(std::int16_t id, std::int64_t value) {
  field_header(id, ThriftType::kI64);
  varint(zigzag(value));
}

void ThriftCompactWriter::field_binary(std::int16_t id, std::string_view value) {
  field_header(id, ThriftType::kBinary);
  element_binary(value);
}

void ThriftCompactWriter::field_bool(std::int16_t id, bool value) {
  field_header(id, value ? ThriftType::kBoolTrue : ThriftType::kBoolFalse);
}

void ThriftCompactWriter::field_struct(std::int16_t id) {
  field_header(id, ThriftType::kStruct);
  begin_struct();
}

void ThriftCompactWriter::field_list(std::int16_t id, ThriftType element_type, std::size_t size) {
  field_header(id, ThriftType::kList);
  const int type = static_cast<int>(element_type);
  if (size < 15) {
    out_.push_back(static_cast<char>((size << 4) | static_cast<std::size_t>(type)));
  } else {
    out_.push_back(static_cast<char>(0xF0 | type));
    varint(size);
  }
}

void ThriftCompactWriter::element_binary(std::string_view value) {
  varint(value.size());
  out_.append(value);
}

// Inside collections a bool is a whole byte; Thrift's reference implementations write 1 for true
// and 2 for false and read "== 1" as true.
void ThriftCompactWriter::element_bool(bool value) {
  out_.push_back(value ? '\1' : '\2');
}

}  // namespace tributary::lake::parquet
