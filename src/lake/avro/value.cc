#include "lake/avro/value.h"

#include <limits>
#include <stdexcept>

namespace tributary::lake::avro {
namespace {

std::string_view kind_name(const AvroValue& v) {
  switch (v.v.index()) {
    case 0:
      return "null";
    case 1:
      return "boolean";
    case 2:
      return "integer";
    case 3:
      return "double";
    case 4:
      return "string";
    default:
      return "list";
  }
}

[[noreturn]] void mismatch(const std::string& path, std::string_view what) {
  throw std::invalid_argument("avro: " + (path.empty() ? std::string("value") : path) + ": " +
                              std::string(what));
}

[[noreturn]] void wrong_kind(const std::string& path, const AvroSchema& s, const AvroValue& v) {
  mismatch(path,
           "expected " + std::string(type_name(s.type)) + ", got " + std::string(kind_name(v)));
}

template <typename T>
const T& as(const std::string& path, const AvroSchema& s, const AvroValue& v) {
  const T* p = std::get_if<T>(&v.v);
  if (p == nullptr) wrong_kind(path, s, v);
  return *p;
}

std::string child(const std::string& path, std::string_view name) {
  return path.empty() ? std::string(name) : path + "." + std::string(name);
}

void encode(const AvroSchema& s, const AvroValue& v, AvroEncoder& out, const std::string& path) {
  switch (s.type) {
    case AvroType::kNull:
      if (!v.is_null()) wrong_kind(path, s, v);
      return;
    case AvroType::kBoolean:
      out.write_boolean(as<bool>(path, s, v));
      return;
    case AvroType::kInt: {
      const std::int64_t i = as<std::int64_t>(path, s, v);
      if (i < std::numeric_limits<std::int32_t>::min() ||
          i > std::numeric_limits<std::int32_t>::max()) {
        mismatch(path, "value " + std::to_string(i) + " does not fit an int");
      }
      out.write_int(static_cast<std::int32_t>(i));
      return;
    }
    case AvroType::kLong:
      out.write_long(as<std::int64_t>(path, s, v));
      return;
    case AvroType::kFloat:
      out.write_float(static_cast<float>(as<double>(path, s, v)));
      return;
    case AvroType::kDouble:
      out.write_double(as<double>(path, s, v));
      return;
    case AvroType::kBytes:
    case AvroType::kString:
      out.write_bytes(as<std::string>(path, s, v));
      return;
    case AvroType::kFixed: {
      const std::string& b = as<std::string>(path, s, v);
      if (static_cast<std::int64_t>(b.size()) != s.size) {
        mismatch(path, "fixed \"" + s.name + "\" takes " + std::to_string(s.size) + " bytes, got " +
                           std::to_string(b.size()));
      }
      out.write_fixed(b);
      return;
    }
    case AvroType::kRecord: {
      const AvroValue::List& fields = as<AvroValue::List>(path, s, v);
      if (fields.size() != s.fields.size()) {
        mismatch(path, "record \"" + s.name + "\" has " + std::to_string(s.fields.size()) +
                           " fields, got " + std::to_string(fields.size()) + " values");
      }
      for (std::size_t i = 0; i < fields.size(); ++i) {
        encode(*s.fields[i].type, fields[i], out, child(path, s.fields[i].name));
      }
      return;
    }
    case AvroType::kArray: {
      const AvroValue::List& items = as<AvroValue::List>(path, s, v);
      out.begin_collection(static_cast<std::int64_t>(items.size()));
      if (items.empty()) return;
      for (std::size_t i = 0; i < items.size(); ++i) {
        encode(*s.items, items[i], out, path + "[" + std::to_string(i) + "]");
      }
      out.end_collection();
      return;
    }
    case AvroType::kMap: {
      const AvroValue::List& entries = as<AvroValue::List>(path, s, v);
      out.begin_collection(static_cast<std::int64_t>(entries.size()));
      if (entries.empty()) return;
      for (std::size_t i = 0; i < entries.size(); ++i) {
        const std::string at = path + "[" + std::to_string(i) + "]";
        const auto* kv = std::get_if<AvroValue::List>(&entries[i].v);
        if (kv == nullptr || kv->size() != 2) mismatch(at, "a map entry is a [key, value] list");
        const auto* key = std::get_if<std::string>(&(*kv)[0].v);
        if (key == nullptr) mismatch(at, "a map key is a string");
        out.write_string(*key);
        encode(*s.items, (*kv)[1], out, child(at, *key));
      }
      out.end_collection();
      return;
    }
    case AvroType::kUnion:
      // Schema invariant: [null, T].
      if (v.is_null()) {
        out.write_union_index(0);
      } else {
        out.write_union_index(1);
        encode(*s.branches[1], v, out, path);
      }
      return;
  }
}

}  // namespace

void encode_value(const AvroSchema& schema, const AvroValue& value, AvroEncoder& out) {
  encode(schema, value, out, "");
}

}  // namespace tributary::lake::avro
