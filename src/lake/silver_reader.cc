#include "lake/silver_reader.h"

#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "lake/parquet/file_reader.h"
#include "lake/silver_schema.h"

namespace tributary::lake {
namespace {

event::EventKey parse_event_key(std::string_view hex) {
  if (hex.size() != 32) throw std::runtime_error("silver: event_key is not 32 hex digits");
  // EventKey::hex() writes lowercase only; from_hex alone would also take uppercase.
  const std::optional<event::EventKey> key = event::EventKey::from_hex(hex);
  if (!key || hex.find_first_of("ABCDEF") != std::string_view::npos) {
    throw std::runtime_error("silver: event_key is not lowercase hex");
  }
  return *key;
}

}  // namespace

event::EventBatch read_silver_file(std::string_view bytes, event::Stream stream) {
  const parquet::ParquetContents file = parquet::read_parquet_file(bytes);
  const std::vector<parquet::ColumnSpec> expected = silver_columns(stream);
  const std::string table(event::stream_name(stream));
  if (file.columns.size() != expected.size()) {
    throw std::runtime_error("not a silver file of " + table + ": " +
                             std::to_string(file.columns.size()) + " columns, expected " +
                             std::to_string(expected.size()));
  }
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const parquet::ColumnValues& c = file.columns[i];
    if (c.name != expected[i].name || c.type != expected[i].type ||
        c.required != expected[i].required) {
      throw std::runtime_error("not a silver file of " + table + ": column " + std::to_string(i) +
                               " is " + c.name + ", expected " + expected[i].name +
                               " with the silver type");
    }
  }

  event::EventBatch batch(stream);
  const std::size_t fields = batch.fields().size();
  const parquet::ColumnValues& keys = file.columns[fields];
  const parquet::ColumnValues& sources = file.columns[fields + 1];
  const parquet::ColumnValues& extra = file.columns[fields + 2];
  std::map<std::string, std::uint32_t, std::less<>> source_index;
  std::vector<event::FieldValue> values(fields);
  for (std::size_t r = 0; r < file.rows; ++r) {
    for (std::size_t i = 0; i < fields; ++i) {
      const parquet::ColumnValues& c = file.columns[i];
      event::FieldValue& v = values[i];
      v = {};
      v.present = c.valid[r] != 0;
      if (!v.present) continue;
      switch (c.type) {
        case parquet::PhysicalType::kBoolean:
          v.b = c.boolean[r] != 0;
          break;
        case parquet::PhysicalType::kInt32:
          v.i = c.i32[r];
          break;
        case parquet::PhysicalType::kInt64:
          v.i = c.i64[r];
          break;
        case parquet::PhysicalType::kDouble:
          v.d = c.f64[r];
          break;
        case parquet::PhysicalType::kByteArray:
          v.s = c.string_at(r);
          break;
      }
    }
    const std::string_view source = sources.string_at(r);
    auto it = source_index.find(source);
    if (it == source_index.end()) {
      it = source_index.emplace(std::string(source), batch.add_source(source)).first;
    }
    batch.append(values, extra.valid[r] != 0 ? extra.string_at(r) : std::string_view(),
                 parse_event_key(keys.string_at(r)), it->second);
  }
  return batch;
}

}  // namespace tributary::lake
