#include "lake/silver_schema.h"

namespace tributary::lake {
namespace {

using parquet::ColumnSpec;
using parquet::LogicalType;
using parquet::PhysicalType;

ColumnSpec spec_for(const event::StreamField& f) {
  ColumnSpec c;
  c.name = std::string(f.info().column_name);
  c.required = f.required();
  switch (f.info().type) {
    case event::FieldType::kString:
      c.type = PhysicalType::kByteArray;
      c.logical = LogicalType::kString;
      break;
    case event::FieldType::kInt32:
      c.type = PhysicalType::kInt32;
      break;
    case event::FieldType::kInt64:
      c.type = PhysicalType::kInt64;
      break;
    case event::FieldType::kDouble:
      c.type = PhysicalType::kDouble;
      break;
    case event::FieldType::kBool:
      c.type = PhysicalType::kBoolean;
      break;
    case event::FieldType::kTimestampMs:
      c.type = PhysicalType::kInt64;
      c.logical = LogicalType::kTimestampMillisUtc;
      break;
  }
  return c;
}

parquet::ColumnInput input_for(const event::Column& c) {
  parquet::ColumnInput in;
  if (c.nullable) in.valid = c.valid.data();
  in.i32 = c.i32.data();
  in.i64 = c.i64.data();
  in.f64 = c.f64.data();
  in.boolean = c.b.data();
  in.offsets = c.str.offsets.data();
  in.bytes = c.str.bytes.data();
  return in;
}

}  // namespace

std::vector<ColumnSpec> silver_columns(event::Stream stream) {
  std::vector<ColumnSpec> columns;
  for (const event::StreamField& f : event::stream_fields(stream)) {
    columns.push_back(spec_for(f));
    // The event time is close to unique per event, and nearly sorted PLAIN values compress far
    // better under zstd than bit-packed dictionary indices (bench/lake measured it).
    if (f.field == event::Field::kTs) columns.back().dictionary = false;
  }
  // Every key is distinct, so a dictionary would only cost time.
  columns.push_back({"event_key", PhysicalType::kByteArray, LogicalType::kString, true, false});
  columns.push_back({"source_key", PhysicalType::kByteArray, LogicalType::kString, true, true});
  columns.push_back({"extra", PhysicalType::kByteArray, LogicalType::kJson, false, true});
  return columns;
}

SilverColumnInputs::SilverColumnInputs(const event::EventBatch& batch) {
  // EventKey::hex()'s text, formatted in place: one allocation for the whole column instead of
  // one per row.
  event_keys_.bytes.resize(batch.size() * 32);
  event_keys_.offsets.resize(batch.size() + 1);
  char* out = event_keys_.bytes.data();
  for (std::size_t r = 0; r < batch.size(); ++r) {
    batch.keys()[r].write_hex(out);
    out += 32;
    event_keys_.offsets[r + 1] = (r + 1) * 32;
  }
  for (const std::string& s : batch.sources()) sources_.append(s);

  for (std::size_t i = 0; i < batch.fields().size(); ++i) {
    inputs_.push_back(input_for(batch.column(i)));
  }
  parquet::ColumnInput keys;
  keys.offsets = event_keys_.offsets.data();
  keys.bytes = event_keys_.bytes.data();
  inputs_.push_back(keys);
  parquet::ColumnInput source;
  source.indirection = batch.source_index().data();
  source.offsets = sources_.offsets.data();
  source.bytes = sources_.bytes.data();
  inputs_.push_back(source);
  inputs_.push_back(input_for(batch.extra()));
}

}  // namespace tributary::lake
