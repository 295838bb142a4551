// EventBatch: decoded events of one stream in columnar form, the unit that flows from the decoder
// to the lake writer and the warehouse loader.
//
// Invariants:
//  - columns()[i] holds stream_fields(stream())[i]; every column, `extra`, `keys` and
//    `source_index` have exactly size() rows.
//  - Values are dense by row: a null row still occupies a slot (0, 0.0, false or ""), and its
//    `valid` byte is 0. Required columns are never null.
//  - Strings are valid UTF-8.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "event/event_key.h"
#include "event/schema.h"

namespace tributary::event {

// Strings of one column, Arrow-style: row i is bytes[offsets[i], offsets[i+1]).
struct StringValues {
  std::vector<std::uint64_t> offsets{0};
  std::string bytes;

  std::string_view at(std::size_t row) const {
    return std::string_view(bytes).substr(offsets[row], offsets[row + 1] - offsets[row]);
  }
  void append(std::string_view s) {
    bytes.append(s);
    offsets.push_back(bytes.size());
  }
};

struct Column {
  FieldType type;
  bool nullable;
  std::vector<std::uint8_t> valid;  // one byte per row, 1 = present; only filled when nullable
  std::vector<std::int32_t> i32;    // kInt32
  std::vector<std::int64_t> i64;    // kInt64, kTimestampMs
  std::vector<double> f64;          // kDouble
  std::vector<std::uint8_t> b;      // kBool
  StringValues str;                 // kString

  bool is_valid(std::size_t row) const { return !nullable || valid[row] != 0; }
};

// One field's value while a line is being decoded; strings point into decoder-owned memory until
// the row is appended.
struct FieldValue {
  bool present = false;
  std::int64_t i = 0;
  double d = 0;
  bool b = false;
  std::string_view s;
};

class EventBatch {
 public:
  explicit EventBatch(Stream stream);

  Stream stream() const { return stream_; }
  std::size_t size() const { return keys_.size(); }
  bool empty() const { return keys_.empty(); }
  std::span<const StreamField> fields() const { return stream_fields(stream_); }

  const Column& column(std::size_t index) const { return columns_[index]; }
  // The column of `field`; throws std::out_of_range when the stream does not carry it.
  const Column& column(Field field) const;
  // Unknown fields of each row as a compact JSON object; null when the row had none.
  const Column& extra() const { return extra_; }
  const std::vector<EventKey>& keys() const { return keys_; }
  // Row i came from sources()[source_index()[i]] (an object key in the raw bucket).
  const std::vector<std::uint32_t>& source_index() const { return source_index_; }
  const std::vector<std::string>& sources() const { return sources_; }
  std::string_view source_key(std::size_t row) const { return sources_[source_index_[row]]; }

  // Registers an object the following rows come from; returns its index for append().
  std::uint32_t add_source(std::string_view source_key);

  // Appends one validated row. `values` has one entry per column; `extra_json` is empty when the
  // row has no unknown fields.
  void append(std::span<const FieldValue> values, std::string_view extra_json, const EventKey& key,
              std::uint32_t source);

  // Appends row `row` of `other`, which must be a batch of the same stream.
  void append_row(const EventBatch& other, std::size_t row);

  // Appends rows [begin, end) of `other`, which must be a batch of the same stream.
  void append_rows(const EventBatch& other, std::size_t begin, std::size_t end);

  // Moves every row of each of `parts` (batches of the same stream) here, in order: the same
  // rows and sources as appending them one by one, with each column grown once. The parts are
  // left empty, each column released as soon as it is copied, so joining holds little more
  // than the joined rows.
  void append_batches(std::vector<EventBatch>&& parts);

  // Approximate heap bytes held, for batch size limits.
  std::size_t memory_bytes() const;

  void clear();

 private:
  Stream stream_;
  std::vector<Column> columns_;
  Column extra_;
  std::vector<EventKey> keys_;
  std::vector<std::uint32_t> source_index_;
  std::vector<std::string> sources_;
};

}  // namespace tributary::event
