#include "event/batch.h"

#include <stdexcept>
#include <utility>
#include <vector>

namespace tributary::event {
namespace {

Column make_column(FieldType type, bool nullable) {
  Column c{};
  c.type = type;
  c.nullable = nullable;
  return c;
}

void append_value(Column& c, const FieldValue& v) {
  if (c.nullable) c.valid.push_back(v.present ? 1 : 0);
  switch (c.type) {
    case FieldType::kString:
      c.str.append(v.present ? v.s : std::string_view());
      break;
    case FieldType::kInt32:
      c.i32.push_back(v.present ? static_cast<std::int32_t>(v.i) : 0);
      break;
    case FieldType::kInt64:
    case FieldType::kTimestampMs:
      c.i64.push_back(v.present ? v.i : 0);
      break;
    case FieldType::kDouble:
      c.f64.push_back(v.present ? v.d : 0.0);
      break;
    case FieldType::kBool:
      c.b.push_back(v.present && v.b ? 1 : 0);
      break;
  }
}

void copy_value(Column& dst, const Column& src, std::size_t row) {
  if (dst.nullable) dst.valid.push_back(src.is_valid(row) ? 1 : 0);
  switch (dst.type) {
    case FieldType::kString:
      dst.str.append(src.str.at(row));
      break;
    case FieldType::kInt32:
      dst.i32.push_back(src.i32[row]);
      break;
    case FieldType::kInt64:
    case FieldType::kTimestampMs:
      dst.i64.push_back(src.i64[row]);
      break;
    case FieldType::kDouble:
      dst.f64.push_back(src.f64[row]);
      break;
    case FieldType::kBool:
      dst.b.push_back(src.b[row]);
      break;
  }
}

template <typename T>
void append_all(std::vector<T>& dst, const std::vector<T>& src) {
  dst.insert(dst.end(), src.begin(), src.end());
}

// The rows of every column in `parts` (`rows` in all) appended to `dst`, each vector reserved
// once.
void append_columns(Column& dst, std::span<const Column* const> parts, std::size_t rows) {
  std::size_t string_bytes = 0;
  for (const Column* c : parts) string_bytes += c->str.bytes.size();
  const auto grow = [rows](auto& v) { v.reserve(v.size() + rows); };
  if (dst.nullable) grow(dst.valid);
  switch (dst.type) {
    case FieldType::kString:
      grow(dst.str.offsets);
      dst.str.bytes.reserve(dst.str.bytes.size() + string_bytes);
      break;
    case FieldType::kInt32:
      grow(dst.i32);
      break;
    case FieldType::kInt64:
    case FieldType::kTimestampMs:
      grow(dst.i64);
      break;
    case FieldType::kDouble:
      grow(dst.f64);
      break;
    case FieldType::kBool:
      grow(dst.b);
      break;
  }
  for (const Column* c : parts) {
    append_all(dst.valid, c->valid);
    append_all(dst.i32, c->i32);
    append_all(dst.i64, c->i64);
    append_all(dst.f64, c->f64);
    append_all(dst.b, c->b);
    // Row i of `c` is c->bytes[offsets[i], offsets[i+1]); after the copy its bytes start
    // `base` further on.
    const std::uint64_t base = dst.str.bytes.size();
    dst.str.bytes.append(c->str.bytes);
    for (std::size_t i = 1; i < c->str.offsets.size(); ++i) {
      dst.str.offsets.push_back(base + c->str.offsets[i]);
    }
  }
}

template <typename T>
void append_range(std::vector<T>& dst, const std::vector<T>& src, std::size_t begin,
                  std::size_t end) {
  if (!src.empty()) dst.insert(dst.end(), src.begin() + begin, src.begin() + end);
}

// Rows [begin, end) of `src` appended to `dst`.
void copy_rows(Column& dst, const Column& src, std::size_t begin, std::size_t end) {
  append_range(dst.valid, src.valid, begin, end);
  append_range(dst.i32, src.i32, begin, end);
  append_range(dst.i64, src.i64, begin, end);
  append_range(dst.f64, src.f64, begin, end);
  append_range(dst.b, src.b, begin, end);
  if (src.type != FieldType::kString) return;
  // Row i of `src` starts at src.offsets[i]; in `dst` its bytes start (that - from) after `base`.
  const std::uint64_t from = src.str.offsets[begin];
  const std::uint64_t base = dst.str.bytes.size();
  dst.str.bytes.append(src.str.bytes, from, src.str.offsets[end] - from);
  for (std::size_t i = begin + 1; i <= end; ++i) {
    dst.str.offsets.push_back(base + (src.str.offsets[i] - from));
  }
}

std::size_t column_bytes(const Column& c) {
  return c.valid.capacity() + c.i32.capacity() * 4 + c.i64.capacity() * 8 + c.f64.capacity() * 8 +
         c.b.capacity() + c.str.offsets.capacity() * 8 + c.str.bytes.capacity();
}

}  // namespace

EventBatch::EventBatch(Stream stream)
    : stream_(stream), extra_(make_column(FieldType::kString, /*nullable=*/true)) {
  for (const StreamField& f : stream_fields(stream)) {
    columns_.push_back(make_column(f.info().type, !f.required()));
  }
}

const Column& EventBatch::column(Field field) const {
  auto index = column_index(stream_, field);
  if (!index) {
    throw std::out_of_range(std::string(stream_name(stream_)) + " has no field " +
                            std::string(field_info(field).json_name));
  }
  return columns_[*index];
}

std::uint32_t EventBatch::add_source(std::string_view source_key) {
  if (!sources_.empty() && sources_.back() == source_key) {
    return static_cast<std::uint32_t>(sources_.size() - 1);
  }
  sources_.emplace_back(source_key);
  return static_cast<std::uint32_t>(sources_.size() - 1);
}

void EventBatch::append(std::span<const FieldValue> values, std::string_view extra_json,
                        const EventKey& key, std::uint32_t source) {
  for (std::size_t i = 0; i < columns_.size(); ++i) append_value(columns_[i], values[i]);
  FieldValue extra;
  extra.present = !extra_json.empty();
  extra.s = extra_json;
  append_value(extra_, extra);
  keys_.push_back(key);
  source_index_.push_back(source);
}

void EventBatch::append_row(const EventBatch& other, std::size_t row) {
  if (other.stream_ != stream_) throw std::invalid_argument("append_row across streams");
  for (std::size_t i = 0; i < columns_.size(); ++i) copy_value(columns_[i], other.columns_[i], row);
  copy_value(extra_, other.extra_, row);
  keys_.push_back(other.keys_[row]);
  source_index_.push_back(add_source(other.source_key(row)));
}

void EventBatch::append_rows(const EventBatch& other, std::size_t begin, std::size_t end) {
  if (other.stream_ != stream_) throw std::invalid_argument("append_rows across streams");
  if (begin > end || end > other.size()) throw std::out_of_range("append_rows past the batch");
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    copy_rows(columns_[i], other.columns_[i], begin, end);
  }
  copy_rows(extra_, other.extra_, begin, end);
  append_range(keys_, other.keys_, begin, end);
  // Rows of one object are adjacent: its source is registered once per run of rows.
  std::uint32_t from_source = 0;
  std::uint32_t to_source = 0;
  for (std::size_t row = begin; row < end; ++row) {
    const std::uint32_t s = other.source_index_[row];
    if (row == begin || s != from_source) {
      from_source = s;
      to_source = add_source(other.sources_[s]);
    }
    source_index_.push_back(to_source);
  }
}

void EventBatch::append_batches(std::vector<EventBatch>&& parts) {
  std::size_t rows = 0;
  for (const EventBatch& part : parts) {
    if (part.stream_ != stream_) throw std::invalid_argument("append_batches across streams");
    rows += part.size();
  }
  keys_.reserve(keys_.size() + rows);
  source_index_.reserve(source_index_.size() + rows);
  std::vector<std::uint32_t> sources;
  for (EventBatch& part : parts) {
    append_all(keys_, part.keys_);
    sources.clear();
    for (const std::string& source : part.sources_) sources.push_back(add_source(source));
    for (const std::uint32_t s : part.source_index_) source_index_.push_back(sources[s]);
    // Assigned fresh vectors: `= {}` would keep the capacity.
    part.keys_ = std::vector<EventKey>();
    part.source_index_ = std::vector<std::uint32_t>();
    part.sources_ = std::vector<std::string>();
  }
  // Columns 0..n-1, then `extra` as column n.
  std::vector<const Column*> column_parts(parts.size());
  for (std::size_t i = 0; i <= columns_.size(); ++i) {
    const auto column_of = [&](EventBatch& b) -> Column& {
      return i < columns_.size() ? b.columns_[i] : b.extra_;
    };
    for (std::size_t p = 0; p < parts.size(); ++p) column_parts[p] = &column_of(parts[p]);
    append_columns(column_of(*this), column_parts, rows);
    for (EventBatch& part : parts) {
      // Swapped out, not assigned: a string assigned a short one keeps its buffer.
      Column& c = column_of(part);
      Column released = make_column(c.type, c.nullable);
      std::swap(c, released);
    }
  }
}

std::size_t EventBatch::memory_bytes() const {
  std::size_t total =
      column_bytes(extra_) + keys_.capacity() * sizeof(EventKey) + source_index_.capacity() * 4;
  for (const Column& c : columns_) total += column_bytes(c);
  for (const std::string& s : sources_) total += s.capacity();
  return total;
}

void EventBatch::clear() {
  for (Column& c : columns_) c = make_column(c.type, c.nullable);
  extra_ = make_column(FieldType::kString, true);
  keys_.clear();
  source_index_.clear();
  sources_.clear();
}

}  // namespace tributary::event
