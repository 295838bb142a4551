// An Avro schema as a tree, and its JSON text (Avro 1.11 specification, "Schema Declaration"),
// with the attributes Iceberg adds: `field-id` on record fields, `element-id` on arrays,
// `logicalType` (e.g. "map" on an array of key/value records), `adjust-to-utc`.
//
// Invariants, checked when a schema is built (std::invalid_argument otherwise):
//  - record and fixed names and record field names match [A-Za-z_][A-Za-z0-9_]*; a named type's
//    name is defined once per schema (to_json() writes every definition in full, so a name used
//    twice would redefine it) and field names are unique within their record;
//  - a union has two branches, null first and a non-null, non-union type second: the only union
//    Iceberg allows, and one whose branch a value selects unambiguously (null or not);
//  - a fixed has a size of at least 1.
// Schemas are immutable and shared (a subtree may appear in several parents, a named one only
// once per schema).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::lake::avro {

enum class AvroType : std::uint8_t {
  kNull,
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kBytes,
  kString,
  kFixed,
  kRecord,
  kArray,
  kMap,
  kUnion,
};

struct AvroSchema;
using AvroSchemaPtr = std::shared_ptr<const AvroSchema>;

struct AvroField {
  std::string name;
  AvroSchemaPtr type;
  std::optional<std::int32_t> field_id;  // Iceberg's `field-id`
  bool default_null = false;             // "default": null (requires a union type)
  std::string doc;                       // written as "doc" when not empty
};

struct AvroSchema {
  AvroType type = AvroType::kNull;
  std::string name;                        // record, fixed
  std::vector<AvroField> fields;           // record
  AvroSchemaPtr items;                     // array items, map values
  std::vector<AvroSchemaPtr> branches;     // union
  std::int64_t size = 0;                   // fixed
  std::optional<std::int32_t> element_id;  // array (Iceberg `element-id`)
  std::string logical_type;                // written as "logicalType" when not empty
  std::optional<bool> adjust_to_utc;       // Iceberg `adjust-to-utc` (timestamps)
};

AvroSchemaPtr null_schema();
AvroSchemaPtr boolean_schema();
AvroSchemaPtr int_schema();
AvroSchemaPtr long_schema();
AvroSchemaPtr float_schema();
AvroSchemaPtr double_schema();
AvroSchemaPtr bytes_schema();
AvroSchemaPtr string_schema();
AvroSchemaPtr fixed_schema(std::string name, std::int64_t size);
AvroSchemaPtr record_schema(std::string name, std::vector<AvroField> fields);
AvroSchemaPtr array_schema(AvroSchemaPtr items, std::optional<std::int32_t> element_id = {});
// Avro's own map (string keys); Iceberg writes maps as key/value arrays (iceberg_map_schema).
AvroSchemaPtr map_schema(AvroSchemaPtr values);
// ["null", type]: an optional value.
AvroSchemaPtr optional_schema(AvroSchemaPtr type);
// An annotated copy of a primitive, e.g. {"type": "long", "logicalType": "timestamp-micros",
// "adjust-to-utc": true}.
AvroSchemaPtr logical_schema(AvroSchemaPtr type, std::string logical_type,
                             std::optional<bool> adjust_to_utc = {});
// Iceberg's map representation: {"type": "array", "logicalType": "map", "items": {"type":
// "record", "name": record_name, "fields": [key (key_id), value (value_id)]}}. A value of it is
// an array of two-field records.
AvroSchemaPtr iceberg_map_schema(std::string record_name, AvroSchemaPtr key, std::int32_t key_id,
                                 AvroSchemaPtr value, std::int32_t value_id);

// The schema's JSON text (compact, deterministic: attributes in a fixed order). Throws
// std::invalid_argument when a named type is defined twice.
std::string schema_json(const AvroSchema& schema);

std::string_view type_name(AvroType type);

}  // namespace tributary::lake::avro
