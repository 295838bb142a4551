// libFuzzer target for the Avro object container writer (src/lake/avro). The input is a script of
// choices: a random schema (every type the writer offers, nested records, arrays, Avro maps,
// Iceberg's key/value-array maps, optional unions, logical annotations, field ids), random values
// for it (integer and float extremes, NaN, empty and long byte strings, empty and multi-block
// collections), a codec and a block size. Now and then a value that does not fit the schema is
// appended instead, which must throw and leave the file unchanged (or, when it happens to fit,
// read back like any other).
//
// The finished file is decoded here, independently of the writer's code, from the Avro 1.11
// specification: magic, the metadata map, the sync marker, then each block's count, length,
// (raw-inflated) body and trailing sync marker. Values are decoded by the schema JSON found in the
// file's header, not by the writer's schema tree, so the JSON text (names, types, field ids) is
// checked too. Every decoded value must equal the value appended, doubles and floats bit for bit.
// tributary's own reader (container_reader.h) must read the file back the same, and a copy with a
// few bytes changed must read or fail with std::runtime_error. Any difference aborts.
#include <simdjson.h>
#include <zlib.h>

#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "lake/avro/container_reader.h"
#include "lake/avro/container_writer.h"
#include "lake/avro/schema.h"
#include "lake/avro/value.h"

namespace {

using namespace tributary::lake::avro;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "avro_writer_fuzzer: %s\n", what);
    std::abort();
  }
}

// Reads the fuzz input as a stream of choices; past its end every read is 0.
class Script {
 public:
  Script(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::uint64_t bits(int n) {
    std::uint64_t v = 0;
    for (int i = 0; i < n; i += 8) v |= static_cast<std::uint64_t>(byte()) << i;
    return n == 64 ? v : v & ((std::uint64_t{1} << n) - 1);
  }
  std::uint64_t range(std::uint64_t lo, std::uint64_t hi) {
    const std::uint64_t span = hi - lo + 1;
    return lo + (span <= 256 ? byte() % span : bits(32) % span);
  }
  bool flag() { return (byte() & 1) != 0; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Random schemas and values.

struct Names {
  int next = 0;
  std::string fresh(const char* prefix) { return prefix + std::to_string(next++); }
};

AvroSchemaPtr gen_schema(Script& in, int depth, Names& names) {
  const int pick = static_cast<int>(in.range(0, depth > 0 ? 15 : 9));
  switch (pick) {
    case 0:
      return boolean_schema();
    case 1:
      return int_schema();
    case 2:
      return long_schema();
    case 3:
      return float_schema();
    case 4:
      return double_schema();
    case 5:
      return bytes_schema();
    case 6:
      return string_schema();
    case 7:
      return fixed_schema(names.fresh("f"), static_cast<std::int64_t>(in.range(1, 20)));
    case 8:
      return logical_schema(long_schema(), "timestamp-micros", in.flag());
    case 9:
      return null_schema();
    case 10:
    case 11: {
      std::vector<AvroField> fields;
      for (std::size_t i = in.range(0, 4); i > 0; --i) {
        AvroField f;
        f.name = names.fresh("c");
        f.type = gen_schema(in, depth - 1, names);
        if (in.flag() && f.type->type != AvroType::kNull && f.type->type != AvroType::kUnion) {
          f.type = optional_schema(f.type);
          f.default_null = in.flag();
        }
        if (in.flag()) f.field_id = static_cast<std::int32_t>(in.bits(32));
        if (in.byte() < 32) f.doc = "doc \"quoted\" \\ é";
        fields.push_back(std::move(f));
      }
      return record_schema(names.fresh("r"), std::move(fields));
    }
    case 12:
      return array_schema(gen_schema(in, depth - 1, names),
                          in.flag()
                              ? std::optional<std::int32_t>(static_cast<std::int32_t>(in.bits(16)))
                              : std::nullopt);
    case 13:
      return map_schema(gen_schema(in, depth - 1, names));
    case 14: {
      const std::string name = names.fresh("kv");
      AvroSchemaPtr key = gen_schema(in, 0, names);
      if (key->type == AvroType::kNull) key = int_schema();
      return iceberg_map_schema(name, key, static_cast<std::int32_t>(in.bits(16)),
                                gen_schema(in, depth - 1, names),
                                static_cast<std::int32_t>(in.bits(16)));
    }
    default: {
      AvroSchemaPtr t = gen_schema(in, depth - 1, names);
      if (t->type == AvroType::kNull || t->type == AvroType::kUnion) return t;
      return optional_schema(t);
    }
  }
}

std::string gen_bytes(Script& in) {
  std::string s;
  const std::size_t n = in.range(0, 3) == 3 ? in.range(100, 2000) : in.range(0, 12);
  for (std::size_t i = 0; i < n; ++i) s.push_back(static_cast<char>(in.byte()));
  return s;
}

std::int64_t gen_long(Script& in) {
  const std::int64_t special[] = {0,
                                  -1,
                                  1,
                                  -64,
                                  64,
                                  std::numeric_limits<std::int64_t>::min(),
                                  std::numeric_limits<std::int64_t>::max()};
  const std::uint8_t pick = in.byte();
  return pick < 7 * 16 ? special[pick % 7] : static_cast<std::int64_t>(in.bits(64));
}

AvroValue gen_value(const AvroSchema& s, Script& in, int depth) {
  switch (s.type) {
    case AvroType::kNull:
      return {};
    case AvroType::kBoolean:
      return in.flag();
    case AvroType::kInt:
      return static_cast<std::int32_t>(gen_long(in));
    case AvroType::kLong:
      return gen_long(in);
    case AvroType::kFloat:
      return static_cast<double>(std::bit_cast<float>(static_cast<std::uint32_t>(in.bits(32))));
    case AvroType::kDouble:
      return std::bit_cast<double>(in.bits(64));
    case AvroType::kBytes:
    case AvroType::kString:
      return gen_bytes(in);
    case AvroType::kFixed: {
      std::string b;
      for (std::int64_t i = 0; i < s.size; ++i) b.push_back(static_cast<char>(in.byte()));
      return b;
    }
    case AvroType::kRecord: {
      AvroValue::List fields;
      for (const AvroField& f : s.fields) fields.push_back(gen_value(*f.type, in, depth + 1));
      return fields;
    }
    case AvroType::kArray:
    case AvroType::kMap: {
      AvroValue::List items;
      const std::size_t n = depth > 3 ? in.range(0, 2) : in.range(0, 6);
      for (std::size_t i = 0; i < n; ++i) {
        AvroValue v = gen_value(*s.items, in, depth + 1);
        if (s.type == AvroType::kMap) {
          // Distinct keys: a reader keeps one value per key.
          items.push_back(AvroValue::List{"k" + std::to_string(i) + gen_bytes(in), std::move(v)});
        } else {
          items.push_back(std::move(v));
        }
      }
      return items;
    }
    case AvroType::kUnion:
      return in.flag() ? AvroValue() : gen_value(*s.branches[1], in, depth);
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// The independent decoder.

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool done() const { return pos_ == data_.size(); }
  std::uint8_t byte() {
    check(pos_ < data_.size(), "read past the end");
    return static_cast<std::uint8_t>(data_[pos_++]);
  }
  std::int64_t read_long() {
    std::uint64_t z = 0;
    for (int shift = 0;; shift += 7) {
      check(shift < 70, "varint longer than 10 bytes");
      const std::uint8_t b = byte();
      z |= static_cast<std::uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) break;
    }
    return static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
  }
  std::string_view take(std::size_t n) {
    check(n <= data_.size() - pos_, "length past the end");
    const std::string_view s = data_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::string_view read_bytes() {
    const std::int64_t n = read_long();
    check(n >= 0, "negative length");
    return take(static_cast<std::size_t>(n));
  }
  std::uint64_t read_le(int n) {
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(byte()) << (8 * i);
    return v;
  }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
};

std::string inflate_raw(std::string_view in) {
  z_stream z{};
  check(inflateInit2(&z, -15) == Z_OK, "inflateInit2");
  std::string out;
  char buf[16384];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  }
  const bool ok = rc == Z_STREAM_END && z.avail_in == 0;
  inflateEnd(&z);
  check(ok, "block is one complete raw deflate stream");
  return out;
}

std::string_view json_type(simdjson::dom::element schema) {
  if (schema.is_string()) return std::string_view(schema);
  if (schema.is_array()) return "union";
  return std::string_view(schema["type"]);
}

// Decodes one value by the header's schema JSON (`js`), checking it against the writer's schema
// tree (`s`) and the value appended (`want`).
void decode(simdjson::dom::element js, const AvroSchema& s, const AvroValue& want, Reader& in) {
  const std::string_view type = json_type(js);
  check(type == type_name(s.type), "schema JSON type");
  if (js.is_object() && !s.logical_type.empty()) {
    check(std::string_view(js["logicalType"]) == s.logical_type, "logicalType");
  }
  switch (s.type) {
    case AvroType::kNull:
      check(want.is_null(), "null value");
      return;
    case AvroType::kBoolean: {
      const std::uint8_t b = in.byte();
      check(b <= 1 && (b == 1) == std::get<bool>(want.v), "boolean");
      return;
    }
    case AvroType::kInt: {
      const std::int64_t v = in.read_long();
      check(v == std::get<std::int64_t>(want.v), "int");
      return;
    }
    case AvroType::kLong:
      check(in.read_long() == std::get<std::int64_t>(want.v), "long");
      return;
    case AvroType::kFloat:
      check(static_cast<std::uint32_t>(in.read_le(4)) ==
                std::bit_cast<std::uint32_t>(static_cast<float>(std::get<double>(want.v))),
            "float bits");
      return;
    case AvroType::kDouble:
      check(in.read_le(8) == std::bit_cast<std::uint64_t>(std::get<double>(want.v)), "double bits");
      return;
    case AvroType::kBytes:
    case AvroType::kString:
      check(in.read_bytes() == std::get<std::string>(want.v), "bytes");
      return;
    case AvroType::kFixed:
      check(std::string_view(js["name"]) == s.name, "fixed name");
      check(int64_t(js["size"]) == s.size, "fixed size");
      check(in.take(static_cast<std::size_t>(s.size)) == std::get<std::string>(want.v), "fixed");
      return;
    case AvroType::kRecord: {
      check(std::string_view(js["name"]) == s.name, "record name");
      simdjson::dom::array fields = js["fields"];
      check(fields.size() == s.fields.size(), "field count");
      const auto& values = std::get<AvroValue::List>(want.v);
      for (std::size_t i = 0; i < s.fields.size(); ++i) {
        simdjson::dom::element f = fields.at(i);
        check(std::string_view(f["name"]) == s.fields[i].name, "field name");
        int64_t id = 0;
        const bool has_id = f["field-id"].get(id) == simdjson::SUCCESS;
        check(
            has_id == s.fields[i].field_id.has_value() && (!has_id || id == *s.fields[i].field_id),
            "field-id");
        simdjson::dom::element def;
        const bool has_default = f["default"].get(def) == simdjson::SUCCESS;
        check(has_default == s.fields[i].default_null && (!has_default || def.is_null()),
              "default null");
        decode(f["type"], *s.fields[i].type, values[i], in);
      }
      return;
    }
    case AvroType::kArray:
    case AvroType::kMap: {
      const auto& items = std::get<AvroValue::List>(want.v);
      if (s.type == AvroType::kArray && s.element_id) {
        check(int64_t(js["element-id"]) == *s.element_id, "element-id");
      }
      simdjson::dom::element item_js = js[s.type == AvroType::kArray ? "items" : "values"];
      std::size_t i = 0;
      for (std::int64_t n = in.read_long(); n != 0; n = in.read_long()) {
        if (n < 0) {
          n = -n;
          in.read_long();  // the block's byte size, which a reader may use to skip it
        }
        for (std::int64_t k = 0; k < n; ++k, ++i) {
          check(i < items.size(), "more items than written");
          if (s.type == AvroType::kMap) {
            const auto& kv = std::get<AvroValue::List>(items[i].v);
            check(in.read_bytes() == std::get<std::string>(kv[0].v), "map key");
            decode(item_js, *s.items, kv[1], in);
          } else {
            decode(item_js, *s.items, items[i], in);
          }
        }
      }
      check(i == items.size(), "item count");
      return;
    }
    case AvroType::kUnion: {
      simdjson::dom::array branches = js;
      check(branches.size() == 2 && json_type(branches.at(0)) == "null", "union [null, T]");
      const std::int64_t index = in.read_long();
      check(index == (want.is_null() ? 0 : 1), "union branch");
      if (index == 1) decode(branches.at(1), *s.branches[1], want, in);
      return;
    }
  }
}

void check_file(const std::string& file, const AvroSchema& schema, const ContainerOptions& options,
                const std::vector<AvroValue>& records) {
  Reader in(file);
  check(in.take(4) == std::string_view("Obj\x01", 4), "magic");
  std::string schema_text;
  std::string codec;
  bool user_key = false;
  for (std::int64_t n = in.read_long(); n != 0; n = in.read_long()) {
    if (n < 0) {
      n = -n;
      in.read_long();
    }
    for (std::int64_t i = 0; i < n; ++i) {
      const std::string_view key = in.read_bytes();
      const std::string_view value = in.read_bytes();
      if (key == "avro.schema") schema_text = value;
      if (key == "avro.codec") codec = value;
      if (key == "fuzz") user_key = value == "é";
    }
  }
  check(user_key, "caller metadata");
  check(codec == (options.codec == AvroCodec::kDeflate ? "deflate" : "null"), "avro.codec");
  const std::string_view sync = in.take(16);
  check(std::memcmp(sync.data(), options.sync.data(), 16) == 0, "sync marker");

  simdjson::dom::parser parser;
  simdjson::dom::element js;
  check(parser.parse(schema_text).get(js) == simdjson::SUCCESS, "avro.schema is JSON");

  std::size_t next = 0;
  while (!in.done()) {
    const std::int64_t count = in.read_long();
    const std::int64_t length = in.read_long();
    check(count > 0 && length >= 0, "block header");
    const std::string_view raw = in.take(static_cast<std::size_t>(length));
    const std::string body =
        options.codec == AvroCodec::kDeflate ? inflate_raw(raw) : std::string(raw);
    Reader block(body);
    for (std::int64_t i = 0; i < count; ++i, ++next) {
      check(next < records.size(), "more records than written");
      decode(js, schema, records[next], block);
    }
    check(block.done(), "block holds exactly its records");
    check(in.take(16) == sync, "block sync marker");
  }
  check(next == records.size(), "every record read back");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Script in(data, size);
  Names names;
  const AvroSchemaPtr schema = gen_schema(in, static_cast<int>(in.range(0, 4)), names);
  ContainerOptions options;
  options.codec = in.flag() ? AvroCodec::kDeflate : AvroCodec::kNull;
  options.block_bytes = in.range(1, 4096);
  for (std::uint8_t& b : options.sync) b = in.byte();
  AvroContainerWriter writer(schema, {{"fuzz", "é"}}, options);
  std::vector<AvroValue> records;
  for (std::size_t n = in.range(0, 60); n > 0; --n) {
    if (in.byte() < 8) {
      // Most often a value of the wrong shape (a list where a scalar goes, a record with one
      // value too many, map entries that are not [key, value]): it must throw and leave the file
      // as it was. When it happens to fit (an array of nulls), it is a record like any other.
      const AvroValue maybe_bad = AvroValue::List(schema->fields.size() + 1);
      try {
        writer.append(maybe_bad);
        records.push_back(maybe_bad);
      } catch (const std::invalid_argument&) {
      }
      continue;
    }
    records.push_back(gen_value(*schema, in, 0));
    writer.append(records.back());
  }
  check(writer.records() == records.size(), "records()");
  const std::string file = writer.finish();
  check_file(file, *schema, options, records);

  // tributary's own reader gives back the records (encoded again, the same bytes), and a copy
  // with bytes changed reads back or fails with std::runtime_error, nothing worse.
  const AvroFileContents back = read_avro_file(file, *schema);
  check(back.records.size() == records.size(), "reader: record count");
  for (std::size_t i = 0; i < records.size(); ++i) {
    std::string want, got;
    AvroEncoder want_out(want), got_out(got);
    encode_value(*schema, records[i], want_out);
    encode_value(*schema, back.records[i], got_out);
    check(want == got, "reader: record read back");
  }
  std::string mutated = file;
  for (std::size_t n = in.range(1, 4); n > 0; --n) {
    mutated[in.range(0, mutated.size() - 1)] = static_cast<char>(in.byte());
  }
  try {
    read_avro_file(mutated, *schema);
  } catch (const std::runtime_error&) {
  }
  return 0;
}
