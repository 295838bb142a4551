// The Avro writer: the binary encoding's bytes as the Avro specification defines them, schema
// JSON with Iceberg's id attributes, errors for values that do not fit, and whole container
// files (null and deflate codecs, several blocks) decoded by avsc, an independent reader.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "lake/avro/container_writer.h"
#include "lake/avro/encoder.h"
#include "lake/avro/schema.h"
#include "lake/avro/value.h"
#include "lake_test_support.h"

namespace tributary::lake::avro {
namespace {

std::string hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    out.push_back(kHex[static_cast<unsigned char>(c) >> 4]);
    out.push_back(kHex[static_cast<unsigned char>(c) & 0xF]);
  }
  return out;
}

TEST(AvroEncoder, LongsAreZigZagVarints) {
  // The specification's table: 0 -> 00, -1 -> 01, 1 -> 02, -2 -> 03, 2 -> 04, -64 -> 7f,
  // 64 -> 80 01.
  EXPECT_EQ(hex(encode_long(0)), "00");
  EXPECT_EQ(hex(encode_long(-1)), "01");
  EXPECT_EQ(hex(encode_long(1)), "02");
  EXPECT_EQ(hex(encode_long(-2)), "03");
  EXPECT_EQ(hex(encode_long(2)), "04");
  EXPECT_EQ(hex(encode_long(-64)), "7f");
  EXPECT_EQ(hex(encode_long(64)), "8001");
  EXPECT_EQ(hex(encode_long(std::numeric_limits<std::int64_t>::max())), "feffffffffffffffff01");
  EXPECT_EQ(hex(encode_long(std::numeric_limits<std::int64_t>::min())), "ffffffffffffffffff01");
  std::string out;
  AvroEncoder(out).write_int(std::numeric_limits<std::int32_t>::min());
  EXPECT_EQ(hex(out), "ffffffff0f");
}

TEST(AvroEncoder, PrimitivesAndCollections) {
  std::string out;
  AvroEncoder e(out);
  e.write_boolean(true);
  e.write_double(1.0);
  e.write_float(-2.0f);
  e.write_string("foo");
  e.write_fixed("ab");
  e.write_union_index(1);
  e.begin_collection(2);
  e.write_long(3);
  e.write_long(27);
  e.end_collection();
  e.begin_collection(0);
  EXPECT_EQ(hex(out),
            "01"
            "000000000000f03f"
            "000000c0"
            "06666f6f"
            "6162"
            "02"
            "04"
            "06"
            "36"
            "00"
            "00");
}

AvroSchemaPtr sample_schema() {
  return record_schema(
      "manifest_like",
      {{"status", int_schema(), 0, false, {}},
       {"snapshot_id", optional_schema(long_schema()), 1, true, {}},
       {"ts", logical_schema(long_schema(), "timestamp-micros", true), 2, false, {}},
       {"path", string_schema(), 3, false, "where the file is"},
       {"bounds",
        optional_schema(iceberg_map_schema("k126_v127", int_schema(), 126, bytes_schema(), 127)),
        125,
        true,
        {}},
       {"offsets", optional_schema(array_schema(long_schema(), 133)), 132, true, {}},
       {"uuid", fixed_schema("uuid_fixed", 16), 4, false, {}},
       {"ratio", double_schema(), 5, false, {}},
       {"f", float_schema(), 6, false, {}},
       {"flag", boolean_schema(), 7, false, {}},
       {"props", map_schema(string_schema()), 8, false, {}}});
}

TEST(AvroSchema, JsonKeepsIcebergIds) {
  const std::string json = schema_json(*sample_schema());
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(json);
  EXPECT_EQ(std::string_view(doc["type"]), "record");
  simdjson::dom::array fields = doc["fields"];
  EXPECT_EQ(fields.size(), 11u);
  EXPECT_EQ(int64_t(fields.at(1)["field-id"]), 1);
  EXPECT_TRUE(fields.at(1)["default"].is_null());
  EXPECT_EQ(std::string_view(fields.at(1)["type"].at(0)), "null");
  EXPECT_EQ(std::string_view(fields.at(2)["type"]["logicalType"]), "timestamp-micros");
  EXPECT_TRUE(bool(fields.at(2)["type"]["adjust-to-utc"]));
  simdjson::dom::element map = fields.at(4)["type"].at(1);
  EXPECT_EQ(std::string_view(map["type"]), "array");
  EXPECT_EQ(std::string_view(map["logicalType"]), "map");
  EXPECT_EQ(std::string_view(map["items"]["name"]), "k126_v127");
  EXPECT_EQ(int64_t(map["items"]["fields"].at(0)["field-id"]), 126);
  EXPECT_EQ(int64_t(map["items"]["fields"].at(1)["field-id"]), 127);
  EXPECT_EQ(int64_t(fields.at(5)["type"].at(1)["element-id"]), 133);
  EXPECT_EQ(int64_t(fields.at(6)["type"]["size"]), 16);
}

TEST(AvroSchema, RejectsWhatAvroForbids) {
  EXPECT_THROW(record_schema("1bad", {}), std::invalid_argument);
  EXPECT_THROW(
      record_schema("r", {{"a", int_schema(), 1, false, {}}, {"a", int_schema(), 2, false, {}}}),
      std::invalid_argument);
  EXPECT_THROW(record_schema("r", {{"a", int_schema(), 1, true, {}}}), std::invalid_argument);
  EXPECT_THROW(optional_schema(optional_schema(int_schema())), std::invalid_argument);
  EXPECT_THROW(fixed_schema("f", 0), std::invalid_argument);
  // A named type defined twice in one schema.
  const AvroSchemaPtr inner = record_schema("same", {});
  const AvroSchemaPtr outer =
      record_schema("outer", {{"a", inner, {}, false, {}}, {"b", inner, {}, false, {}}});
  EXPECT_THROW(schema_json(*outer), std::invalid_argument);
}

TEST(AvroValue, MismatchesNameThePath) {
  std::string out;
  AvroEncoder e(out);
  const AvroSchemaPtr s = record_schema(
      "r", {{"a", int_schema(), {}, false, {}},
            {"m", iceberg_map_schema("k1_v2", int_schema(), 1, long_schema(), 2), {}, false, {}}});
  try {
    encode_value(*s, AvroValue::List{std::int64_t{1} << 40, AvroValue::List{}}, e);
    FAIL() << "an int out of range was accepted";
  } catch (const std::invalid_argument& err) {
    EXPECT_NE(std::string(err.what()).find("a: value 1099511627776 does not fit an int"),
              std::string::npos)
        << err.what();
  }
  try {
    // The entry is wrapped in an AvroValue: a braced list holding one List is that List itself
    // to clang (a copy), not a list of one entry as to GCC.
    const AvroValue entry(AvroValue::List{2, std::string("x")});
    encode_value(*s, AvroValue::List{1, AvroValue::List{entry}}, e);
    FAIL() << "a string for a long was accepted";
  } catch (const std::invalid_argument& err) {
    EXPECT_NE(std::string(err.what()).find("m[0].value: expected long, got string"),
              std::string::npos)
        << err.what();
  }
  EXPECT_THROW(encode_value(*s, AvroValue::List{1}, e), std::invalid_argument);
  EXPECT_THROW(encode_value(*fixed_schema("f", 2), AvroValue(std::string("abc")), e),
               std::invalid_argument);
}

TEST(AvroContainer, RejectsReservedMetadataAndLeavesFileOnBadRecord) {
  EXPECT_THROW(AvroContainerWriter(long_schema(), {{"avro.codec", "x"}}, {}),
               std::invalid_argument);
  EXPECT_THROW(AvroContainerWriter(long_schema(), {{"k", "1"}, {"k", "2"}}, {}),
               std::invalid_argument);
  AvroContainerWriter w(long_schema(), {}, {AvroCodec::kNull, 1, {}});
  w.append(std::int64_t{5});
  EXPECT_THROW(w.append(std::string("no")), std::invalid_argument);
  EXPECT_EQ(w.records(), 1u);
}

// Random values of sample_schema(), with the extremes each type has.
AvroValue::List random_record(std::mt19937_64& rng, std::size_t i) {
  const std::int64_t longs[] = {0, -1, std::numeric_limits<std::int64_t>::min(),
                                std::numeric_limits<std::int64_t>::max(),
                                static_cast<std::int64_t>(rng())};
  const double doubles[] = {0.5,
                            -0.0,
                            std::numeric_limits<double>::quiet_NaN(),
                            std::numeric_limits<double>::infinity(),
                            1e300,
                            std::bit_cast<double>(rng() & 0x7FEFFFFFFFFFFFFFULL)};
  AvroValue::List bounds;
  for (std::size_t k = 0; k < i % 4; ++k) {
    std::string b;
    for (std::size_t n = rng() % 9; n > 0; --n) b.push_back(static_cast<char>(rng()));
    bounds.push_back(AvroValue::List{static_cast<std::int32_t>(k + 1), b});
  }
  AvroValue::List offsets;
  for (std::size_t k = 0; k < i % 3; ++k) offsets.emplace_back(longs[rng() % 5]);
  std::string uuid;
  for (int k = 0; k < 16; ++k) uuid.push_back(static_cast<char>(rng()));
  std::string path = "s3://bucket/silver/é/" + std::to_string(i);
  if (i % 5 == 0) path += std::string(300, 'x');
  AvroValue::List props;
  if (i % 2 == 1) props.push_back(AvroValue::List{"k" + std::to_string(i), "v"});
  return {static_cast<std::int32_t>(rng() % 3),
          i % 3 == 0 ? AvroValue() : AvroValue(longs[rng() % 5]),
          longs[rng() % 5],
          path,
          i % 4 == 0 ? AvroValue() : AvroValue(bounds),
          i % 5 == 1 ? AvroValue() : AvroValue(offsets),
          uuid,
          doubles[rng() % 6],
          static_cast<double>(static_cast<float>(doubles[rng() % 6])),
          (rng() & 1) != 0,
          props};
}

// `got` (read_avro.mjs's normalisation) must be `want` as `schema` encodes it.
void expect_decoded(const AvroSchema& schema, const AvroValue& want, simdjson::dom::element got,
                    const std::string& path) {
  SCOPED_TRACE(path);
  switch (schema.type) {
    case AvroType::kNull:
      EXPECT_TRUE(got.is_null());
      return;
    case AvroType::kBoolean:
      EXPECT_EQ(bool(got), std::get<bool>(want.v));
      return;
    case AvroType::kInt:
      EXPECT_EQ(int64_t(got), std::get<std::int64_t>(want.v));
      return;
    case AvroType::kLong:
      EXPECT_EQ(std::string_view(got), std::to_string(std::get<std::int64_t>(want.v)));
      return;
    case AvroType::kFloat:
    case AvroType::kDouble: {
      double w = std::get<double>(want.v);
      if (schema.type == AvroType::kFloat) w = static_cast<float>(w);
      if (std::isnan(w)) {
        EXPECT_EQ(std::string_view(got), "NaN");
      } else if (std::isinf(w)) {
        EXPECT_EQ(std::string_view(got), w > 0 ? "Infinity" : "-Infinity");
      } else if (w == 0 && std::signbit(w)) {
        EXPECT_EQ(std::string_view(got), "-0");
      } else {
        EXPECT_EQ(double(got), w);
      }
      return;
    }
    case AvroType::kString:
      EXPECT_EQ(std::string_view(got), std::get<std::string>(want.v));
      return;
    case AvroType::kBytes:
    case AvroType::kFixed:
      EXPECT_EQ(std::string_view(got), "hex:" + hex(std::get<std::string>(want.v)));
      return;
    case AvroType::kRecord: {
      const auto& values = std::get<AvroValue::List>(want.v);
      for (std::size_t i = 0; i < values.size(); ++i) {
        expect_decoded(*schema.fields[i].type, values[i], got[schema.fields[i].name],
                       path + "." + schema.fields[i].name);
      }
      return;
    }
    case AvroType::kArray: {
      const auto& items = std::get<AvroValue::List>(want.v);
      simdjson::dom::array a = got;
      ASSERT_EQ(a.size(), items.size());
      for (std::size_t i = 0; i < items.size(); ++i) {
        expect_decoded(*schema.items, items[i], a.at(i), path + "[" + std::to_string(i) + "]");
      }
      return;
    }
    case AvroType::kMap: {
      const auto& entries = std::get<AvroValue::List>(want.v);
      simdjson::dom::object o = got;
      ASSERT_EQ(o.size(), entries.size());
      for (const AvroValue& e : entries) {
        const auto& kv = std::get<AvroValue::List>(e.v);
        const std::string& key = std::get<std::string>(kv[0].v);
        expect_decoded(*schema.items, kv[1], o[key], path + "." + key);
      }
      return;
    }
    case AvroType::kUnion:
      if (want.is_null()) {
        EXPECT_TRUE(got.is_null());
      } else {
        expect_decoded(*schema.branches[1], want, got, path);
      }
      return;
  }
}

void round_trip_through_avsc(AvroCodec codec, std::size_t block_bytes) {
  std::mt19937_64 rng(static_cast<std::uint64_t>(codec) * 1000 + block_bytes);
  const AvroSchemaPtr schema = sample_schema();
  AvroContainerWriter w(schema, {{"schema-id", "0"}, {"content", "data"}},
                        {codec, block_bytes, sync_marker_for("round-trip")});
  std::vector<AvroValue> records;
  for (std::size_t i = 0; i < 300; ++i) {
    records.emplace_back(random_record(rng, i));
    w.append(records.back());
  }
  EXPECT_EQ(w.records(), records.size());
  const std::string file = w.finish();
  const std::string path = testing::temp_dir("avro") + "/f.avro";
  testing::write_file(path, file);

  simdjson::dom::parser parser;
  const std::string json = testing::read_avro(path);
  simdjson::dom::element doc = parser.parse(json);
  EXPECT_EQ(std::string_view(doc["codec"]), codec == AvroCodec::kDeflate ? "deflate" : "null");
  EXPECT_EQ(std::string_view(doc["metadata"]["schema-id"]), "0");
  EXPECT_EQ(std::string_view(doc["metadata"]["content"]), "data");
  EXPECT_EQ(int64_t(doc["schema"]["fields"].at(4)["field-id"]), 125);
  simdjson::dom::array got = doc["records"];
  ASSERT_EQ(got.size(), records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    expect_decoded(*schema, records[i], got.at(i), "record " + std::to_string(i));
  }
}

TEST(AvroContainer, AvscReadsNullCodecInManyBlocks) {
  round_trip_through_avsc(AvroCodec::kNull, 500);
}

TEST(AvroContainer, AvscReadsDeflateInManyBlocks) {
  round_trip_through_avsc(AvroCodec::kDeflate, 2000);
}

TEST(AvroContainer, AvscReadsOneBlockAndAnEmptyFile) {
  round_trip_through_avsc(AvroCodec::kDeflate, 1 << 30);
  const std::string path = testing::temp_dir("empty") + "/e.avro";
  testing::write_file(path, AvroContainerWriter(sample_schema(), {}, {}).finish());
  simdjson::dom::parser parser;
  const std::string json = testing::read_avro(path);
  simdjson::dom::element doc = parser.parse(json);
  EXPECT_EQ(simdjson::dom::array(doc["records"]).size(), 0u);
  EXPECT_EQ(std::string_view(doc["schema"]["name"]), "manifest_like");
}

}  // namespace
}  // namespace tributary::lake::avro
