#include "event/batch.h"

#include <stdexcept>

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
