// The silver tables' Parquet schema and the mapping from an EventBatch onto it.
//
// Columns, in order: every column of the stream's schema table (snake_case names, REQUIRED when
// the stream requires the field, OPTIONAL otherwise), then
//   event_key   STRING, required: EventKey::hex(), 32 lowercase hex digits. Text rather than
//               FIXED_LEN_BYTE_ARRAY(16) or two INT64s because every engine (Athena, Trino,
//               DuckDB, pandas) joins and prints it as-is, and it equals the warehouse's key text.
//   source_key  STRING, required: the raw object the event came from (lineage).
//   extra       JSON, optional: fields the schema does not know, as compact JSON.
// Types: kString -> BYTE_ARRAY STRING, kInt32 -> INT32, kInt64 -> INT64, kDouble -> DOUBLE,
// kBool -> BOOLEAN, kTimestampMs -> INT64 TIMESTAMP(MICROS, isAdjustedToUTC = true): Iceberg's
// `timestamptz`, the only UTC timestamp its specification maps to Parquet. Events carry
// milliseconds; the file holds them times 1000, and read_silver_file divides them back (it also
// reads files written with TIMESTAMP(MILLIS) before the change, as they are).
// Every column has a Parquet field_id, its position plus one (1, 2, ...): the column ids of the
// table's Iceberg schema (lake/iceberg/table_schema.h), which engines match columns by.
// Every column but `ts` and `event_key` (both nearly unique per event) tries dictionary encoding.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "event/batch.h"
#include "lake/parquet/column_writer.h"

namespace tributary::lake {

std::vector<parquet::ColumnSpec> silver_columns(event::Stream stream);

// The column inputs of every silver column for one batch, pointing into the batch (which must
// outlive this object and stay unchanged). The event_key text is computed once, here.
class SilverColumnInputs {
 public:
  explicit SilverColumnInputs(const event::EventBatch& batch);
  SilverColumnInputs(const SilverColumnInputs&) = delete;
  SilverColumnInputs& operator=(const SilverColumnInputs&) = delete;

  // Throws std::invalid_argument naming the field when a timestamp does not fit microseconds in
  // 64 bits (beyond about 292,000 years from 1970).
  // One entry per silver_columns(batch.stream()) column.
  std::span<const parquet::ColumnInput> inputs() const { return inputs_; }

 private:
  event::StringValues event_keys_;
  // Timestamp columns in microseconds, one per kTimestampMs field.
  std::vector<std::vector<std::int64_t>> micros_;
  event::StringValues sources_;
  std::vector<parquet::ColumnInput> inputs_;
};

}  // namespace tributary::lake
