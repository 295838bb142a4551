#include "lake/avro/schema.h"

#include <set>
#include <stdexcept>

#include "util/json_writer.h"

namespace tributary::lake::avro {
namespace {

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

void require_name(std::string_view name, std::string_view what) {
  if (!valid_name(name)) {
    throw std::invalid_argument("avro: invalid " + std::string(what) + " name \"" +
                                std::string(name) + "\" (must match [A-Za-z_][A-Za-z0-9_]*)");
  }
}

AvroSchemaPtr primitive(AvroType type) {
  auto s = std::make_shared<AvroSchema>();
  s->type = type;
  return s;
}

bool is_primitive(AvroType t) {
  switch (t) {
    case AvroType::kNull:
    case AvroType::kBoolean:
    case AvroType::kInt:
    case AvroType::kLong:
    case AvroType::kFloat:
    case AvroType::kDouble:
    case AvroType::kBytes:
    case AvroType::kString:
      return true;
    default:
      return false;
  }
}

void write_schema(util::JsonWriter& w, const AvroSchema& s, std::set<std::string>& names) {
  // A bare primitive is its type name; an annotated one is an object.
  if (is_primitive(s.type) && s.logical_type.empty() && !s.adjust_to_utc) {
    w.value(type_name(s.type));
    return;
  }
  if (s.type == AvroType::kUnion) {
    w.begin_array();
    for (const AvroSchemaPtr& b : s.branches) write_schema(w, *b, names);
    w.end_array();
    return;
  }
  if ((s.type == AvroType::kRecord || s.type == AvroType::kFixed) && !names.insert(s.name).second) {
    throw std::invalid_argument("avro: the named type \"" + s.name + "\" is defined twice");
  }
  w.begin_object();
  w.key("type").value(type_name(s.type));
  switch (s.type) {
    case AvroType::kRecord:
      w.key("name").value(s.name);
      w.key("fields").begin_array();
      for (const AvroField& f : s.fields) {
        w.begin_object();
        w.key("name").value(f.name);
        w.key("type");
        write_schema(w, *f.type, names);
        if (!f.doc.empty()) w.key("doc").value(f.doc);
        if (f.default_null) w.key("default").null();
        if (f.field_id) w.key("field-id").value(static_cast<std::int64_t>(*f.field_id));
        w.end_object();
      }
      w.end_array();
      break;
    case AvroType::kFixed:
      w.key("name").value(s.name);
      w.key("size").value(s.size);
      break;
    case AvroType::kArray:
      w.key("items");
      write_schema(w, *s.items, names);
      if (s.element_id) w.key("element-id").value(static_cast<std::int64_t>(*s.element_id));
      break;
    case AvroType::kMap:
      w.key("values");
      write_schema(w, *s.items, names);
      break;
    default:
      break;
  }
  if (!s.logical_type.empty()) w.key("logicalType").value(s.logical_type);
  if (s.adjust_to_utc) w.key("adjust-to-utc").value(*s.adjust_to_utc);
  w.end_object();
}

}  // namespace

std::string_view type_name(AvroType type) {
  switch (type) {
    case AvroType::kNull:
      return "null";
    case AvroType::kBoolean:
      return "boolean";
    case AvroType::kInt:
      return "int";
    case AvroType::kLong:
      return "long";
    case AvroType::kFloat:
      return "float";
    case AvroType::kDouble:
      return "double";
    case AvroType::kBytes:
      return "bytes";
    case AvroType::kString:
      return "string";
    case AvroType::kFixed:
      return "fixed";
    case AvroType::kRecord:
      return "record";
    case AvroType::kArray:
      return "array";
    case AvroType::kMap:
      return "map";
    case AvroType::kUnion:
      return "union";
  }
  return "unknown";
}

AvroSchemaPtr null_schema() {
  return primitive(AvroType::kNull);
}
AvroSchemaPtr boolean_schema() {
  return primitive(AvroType::kBoolean);
}
AvroSchemaPtr int_schema() {
  return primitive(AvroType::kInt);
}
AvroSchemaPtr long_schema() {
  return primitive(AvroType::kLong);
}
AvroSchemaPtr float_schema() {
  return primitive(AvroType::kFloat);
}
AvroSchemaPtr double_schema() {
  return primitive(AvroType::kDouble);
}
AvroSchemaPtr bytes_schema() {
  return primitive(AvroType::kBytes);
}
AvroSchemaPtr string_schema() {
  return primitive(AvroType::kString);
}

AvroSchemaPtr fixed_schema(std::string name, std::int64_t size) {
  require_name(name, "fixed");
  if (size < 1) throw std::invalid_argument("avro: fixed \"" + name + "\" needs a size >= 1");
  auto s = std::make_shared<AvroSchema>();
  s->type = AvroType::kFixed;
  s->name = std::move(name);
  s->size = size;
  return s;
}

AvroSchemaPtr record_schema(std::string name, std::vector<AvroField> fields) {
  require_name(name, "record");
  std::set<std::string_view> seen;
  for (const AvroField& f : fields) {
    require_name(f.name, "field");
    if (!seen.insert(f.name).second) {
      throw std::invalid_argument("avro: record \"" + name + "\" has two fields named \"" + f.name +
                                  "\"");
    }
    if (!f.type) throw std::invalid_argument("avro: field \"" + f.name + "\" has no type");
    if (f.default_null && f.type->type != AvroType::kUnion) {
      throw std::invalid_argument("avro: field \"" + f.name +
                                  "\" defaults to null but is not optional");
    }
  }
  auto s = std::make_shared<AvroSchema>();
  s->type = AvroType::kRecord;
  s->name = std::move(name);
  s->fields = std::move(fields);
  return s;
}

AvroSchemaPtr array_schema(AvroSchemaPtr items, std::optional<std::int32_t> element_id) {
  if (!items) throw std::invalid_argument("avro: array without an item type");
  auto s = std::make_shared<AvroSchema>();
  s->type = AvroType::kArray;
  s->items = std::move(items);
  s->element_id = element_id;
  return s;
}

AvroSchemaPtr map_schema(AvroSchemaPtr values) {
  if (!values) throw std::invalid_argument("avro: map without a value type");
  auto s = std::make_shared<AvroSchema>();
  s->type = AvroType::kMap;
  s->items = std::move(values);
  return s;
}

AvroSchemaPtr optional_schema(AvroSchemaPtr type) {
  if (!type || type->type == AvroType::kNull || type->type == AvroType::kUnion) {
    throw std::invalid_argument("avro: an optional type must be neither null nor a union");
  }
  auto s = std::make_shared<AvroSchema>();
  s->type = AvroType::kUnion;
  s->branches = {null_schema(), std::move(type)};
  return s;
}

AvroSchemaPtr logical_schema(AvroSchemaPtr type, std::string logical_type,
                             std::optional<bool> adjust_to_utc) {
  if (!type || !is_primitive(type->type) || type->type == AvroType::kNull) {
    throw std::invalid_argument("avro: logical type \"" + logical_type +
                                "\" needs a non-null primitive");
  }
  auto s = std::make_shared<AvroSchema>(*type);
  s->logical_type = std::move(logical_type);
  s->adjust_to_utc = adjust_to_utc;
  return s;
}

AvroSchemaPtr iceberg_map_schema(std::string record_name, AvroSchemaPtr key, std::int32_t key_id,
                                 AvroSchemaPtr value, std::int32_t value_id) {
  AvroSchemaPtr entry =
      record_schema(std::move(record_name), {{"key", std::move(key), key_id, false, {}},
                                             {"value", std::move(value), value_id, false, {}}});
  auto s = std::make_shared<AvroSchema>(*array_schema(std::move(entry)));
  s->logical_type = "map";
  return s;
}

std::string schema_json(const AvroSchema& schema) {
  std::string out;
  util::JsonWriter w(out);
  std::set<std::string> names;
  write_schema(w, schema, names);
  return out;
}

}  // namespace tributary::lake::avro
