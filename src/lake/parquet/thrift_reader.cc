#include "lake/parquet/thrift_reader.h"

#include <cstring>
#include <stdexcept>
#include <string>

namespace tributary::lake::parquet {

const ThriftValue* ThriftValue::field(std::int16_t id) const {
  for (const ThriftField& f : fields) {
    if (f.id == id) return &f.value;
  }
  return nullptr;
}

std::int64_t ThriftValue::required_int(std::int16_t id, const char* what) const {
  const ThriftValue* v = field(id);
  if (v == nullptr) throw std::runtime_error(std::string("thrift: missing required ") + what);
  return v->integer;
}

std::uint8_t ThriftCompactReader::byte() {
  if (pos_ >= input_.size()) throw std::runtime_error("thrift: unexpected end of input");
  return static_cast<std::uint8_t>(input_[pos_++]);
}

std::uint64_t ThriftCompactReader::varint() {
  std::uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    const std::uint8_t b = byte();
    v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) return v;
  }
  throw std::runtime_error("thrift: varint longer than 10 bytes");
}

std::int64_t ThriftCompactReader::zigzag_varint() {
  const std::uint64_t v = varint();
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

ThriftValue ThriftCompactReader::read_struct() {
  return read_struct_at(0);
}

ThriftValue ThriftCompactReader::read_struct_at(int depth) {
  if (depth > kMaxDepth) throw std::runtime_error("thrift: nesting too deep");
  ThriftValue s;
  s.type = ThriftType::kStruct;
  std::int16_t last = 0;
  for (;;) {
    const std::uint8_t header = byte();
    if (header == 0) return s;
    const auto type = static_cast<ThriftType>(header & 0x0F);
    const int delta = header >> 4;
    std::int16_t id;
    if (delta != 0) {
      id = static_cast<std::int16_t>(last + delta);
    } else {
      id = static_cast<std::int16_t>(zigzag_varint());
    }
    last = id;
    ThriftValue v;
    if (type == ThriftType::kBoolTrue || type == ThriftType::kBoolFalse) {
      v.type = ThriftType::kBoolTrue;
      v.integer = type == ThriftType::kBoolTrue ? 1 : 0;
    } else {
      v = read_value(type, depth + 1);
    }
    s.fields.push_back({id, std::move(v)});
  }
}

ThriftValue ThriftCompactReader::read_value(ThriftType type, int depth) {
  ThriftValue v;
  v.type = type;
  switch (type) {
    case ThriftType::kBoolTrue:
    case ThriftType::kBoolFalse:
      // Inside collections a bool is a byte: 1 is true.
      v.type = ThriftType::kBoolTrue;
      v.integer = byte() == 1 ? 1 : 0;
      return v;
    case ThriftType::kByte:
      v.integer = static_cast<std::int8_t>(byte());
      return v;
    case ThriftType::kI16:
    case ThriftType::kI32:
    case ThriftType::kI64:
      v.integer = zigzag_varint();
      return v;
    case ThriftType::kDouble: {
      if (input_.size() - pos_ < 8) throw std::runtime_error("thrift: truncated double");
      std::memcpy(&v.real, input_.data() + pos_, 8);
      pos_ += 8;
      return v;
    }
    case ThriftType::kBinary: {
      const std::uint64_t n = varint();
      if (n > input_.size() - pos_) throw std::runtime_error("thrift: binary longer than input");
      v.binary = input_.substr(pos_, n);
      pos_ += n;
      return v;
    }
    case ThriftType::kList:
    case ThriftType::kSet: {
      const std::uint8_t header = byte();
      std::uint64_t size = header >> 4;
      if (size == 15) size = varint();
      const auto element = static_cast<ThriftType>(header & 0x0F);
      // Every element takes at least one byte, so a larger size is corrupt.
      if (size > input_.size() - pos_) throw std::runtime_error("thrift: list longer than input");
      if (depth > kMaxDepth) throw std::runtime_error("thrift: nesting too deep");
      for (std::uint64_t i = 0; i < size; ++i) v.elements.push_back(read_value(element, depth + 1));
      return v;
    }
    case ThriftType::kStruct:
      return read_struct_at(depth);
    case ThriftType::kMap:
      break;
  }
  throw std::runtime_error("thrift: unsupported type " + std::to_string(static_cast<int>(type)));
}

}  // namespace tributary::lake::parquet
