#include "lake/parquet/file_writer.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <stdexcept>

namespace tributary::lake::parquet {

std::string writer_version() {
  return std::string("tributary version ") + TRIBUTARY_VERSION;
}

ParquetFileWriter::ParquetFileWriter(std::vector<ColumnSpec> schema, WriterOptions options)
    : schema_(std::move(schema)), options_(options) {
  if (schema_.empty()) throw std::invalid_argument("parquet: a schema needs at least one column");
  if (options_.row_group_rows == 0 || options_.page_rows == 0) {
    throw std::invalid_argument("parquet: row group and page row limits must be positive");
  }
  std::set<std::string> names;
  for (const ColumnSpec& c : schema_) {
    if (!names.insert(c.name).second) {
      throw std::invalid_argument("parquet: duplicate column name " + c.name);
    }
    columns_.push_back(ParquetColumnWriter::create(c, options_));
  }
  file_.append(kMagic);
}

ParquetFileWriter::~ParquetFileWriter() = default;

namespace {

template <typename T>
T load_le(const std::string& s) {
  T v{};
  std::memcpy(&v, s.data(), sizeof(T));  // the statistics are little-endian, as is the host
  return v;
}

// a < b in the column's type-defined order, for PLAIN-encoded statistics.
bool plain_less(PhysicalType type, const std::string& a, const std::string& b) {
  switch (type) {
    case PhysicalType::kInt32:
      return load_le<std::int32_t>(a) < load_le<std::int32_t>(b);
    case PhysicalType::kInt64:
      return load_le<std::int64_t>(a) < load_le<std::int64_t>(b);
    case PhysicalType::kDouble:
      return load_le<double>(a) < load_le<double>(b);
    case PhysicalType::kBoolean:
    case PhysicalType::kByteArray:
      return a < b;  // unsigned byte order (std::char_traits<char> compares as unsigned char)
  }
  return false;
}

// The PLAIN width of a value's statistics, 0 for byte arrays (as long as the value).
std::size_t plain_width(PhysicalType type) {
  switch (type) {
    case PhysicalType::kBoolean:
      return 1;
    case PhysicalType::kInt32:
      return 4;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble:
      return 8;
    case PhysicalType::kByteArray:
      return 0;
  }
  return 0;
}

}  // namespace

FileMetrics ParquetFileWriter::metrics() const {
  if (!finished_) throw std::logic_error("parquet: metrics before finish");
  FileMetrics out;
  out.columns.resize(schema_.size());
  for (std::size_t i = 0; i < schema_.size(); ++i) {
    ColumnMetrics& m = out.columns[i];
    bool bounds_complete = true;
    for (const RowGroupInfo& rg : row_groups_) {
      const ColumnChunkInfo& c = rg.columns[i];
      m.compressed_bytes += c.total_compressed_size;
      m.values += c.num_values;
      m.nulls += c.statistics.null_count;
      if (!c.statistics.has_min_max) {
        // A chunk with non-null values but no min/max either had them left out for length
        // (byte arrays, or any type when max_statistics_bytes is below its width) or holds only
        // NaNs besides nulls, which bounds leave out anyway.
        const std::size_t width = plain_width(schema_[i].type);
        if (c.statistics.null_count < c.num_values &&
            (width == 0 || width > options_.max_statistics_bytes)) {
          bounds_complete = false;
        }
        continue;
      }
      if (!m.has_bounds || plain_less(schema_[i].type, c.statistics.min, m.min)) {
        m.min = c.statistics.min;
      }
      if (!m.has_bounds || plain_less(schema_[i].type, m.max, c.statistics.max)) {
        m.max = c.statistics.max;
      }
      m.has_bounds = true;
    }
    if (!bounds_complete) {
      m.has_bounds = false;
      m.min.clear();
      m.max.clear();
    }
  }
  for (const RowGroupInfo& rg : row_groups_) {
    out.row_group_offsets.push_back(rg.columns.front().start_offset);
  }
  return out;
}

std::size_t ParquetFileWriter::open_group_bytes() const {
  std::size_t n = 0;
  for (const auto& c : columns_) n += c->buffered_bytes();
  return n;
}

std::uint64_t ParquetFileWriter::estimated_size() const {
  return file_.size() + open_group_bytes();
}

void ParquetFileWriter::write_rows(std::span<const ColumnInput> columns,
                                   std::span<const std::uint32_t> rows) {
  if (finished_) throw std::logic_error("parquet: write after finish");
  if (columns.size() != columns_.size()) {
    throw std::invalid_argument("parquet: " + std::to_string(columns.size()) +
                                " column inputs for a schema of " +
                                std::to_string(columns_.size()) + " columns");
  }
  while (!rows.empty()) {
    const std::size_t n =
        std::min({rows.size(), options_.row_group_rows - group_rows_, kRowGroupCheckRows});
    const auto slice = rows.first(n);
    for (std::size_t i = 0; i < columns_.size(); ++i) columns_[i]->write(columns[i], slice);
    group_rows_ += n;
    rows_written_ += n;
    rows = rows.subspan(n);
    if (group_rows_ >= options_.row_group_rows || open_group_bytes() >= options_.row_group_bytes) {
      flush_row_group();
    }
  }
}

void ParquetFileWriter::flush_row_group() {
  if (group_rows_ == 0) return;
  RowGroupInfo rg;
  rg.num_rows = static_cast<std::int64_t>(group_rows_);
  for (auto& c : columns_) rg.columns.push_back(c->finish_chunk(file_));
  row_groups_.push_back(std::move(rg));
  group_rows_ = 0;
}

std::string ParquetFileWriter::finish(const std::vector<KeyValue>& key_values) {
  if (finished_) throw std::logic_error("parquet: finish called twice");
  finished_ = true;
  flush_row_group();
  if (options_.page_index) {
    // A column index needs min/max for every non-null page; chunks with oversized byte-array
    // statistics get only the offset index.
    for (RowGroupInfo& rg : row_groups_) {
      for (ColumnChunkInfo& c : rg.columns) {
        const bool complete = std::all_of(c.pages.begin(), c.pages.end(), [](const PageInfo& p) {
          return p.statistics.has_min_max || p.statistics.null_count == p.values;
        });
        if (!complete) continue;
        const std::size_t start = file_.size();
        encode_column_index(file_, c);
        c.column_index_offset = static_cast<std::int64_t>(start);
        c.column_index_length = static_cast<std::int32_t>(file_.size() - start);
      }
    }
    for (RowGroupInfo& rg : row_groups_) {
      for (ColumnChunkInfo& c : rg.columns) {
        const std::size_t start = file_.size();
        encode_offset_index(file_, c);
        c.offset_index_offset = static_cast<std::int64_t>(start);
        c.offset_index_length = static_cast<std::int32_t>(file_.size() - start);
      }
    }
  }
  const std::size_t footer_start = file_.size();
  encode_file_metadata(file_, schema_, row_groups_, key_values, writer_version(), options_.codec);
  const auto footer_length = static_cast<std::uint32_t>(file_.size() - footer_start);
  char length_bytes[4];
  std::memcpy(length_bytes, &footer_length, 4);
  file_.append(length_bytes, 4);
  file_.append(kMagic);
  return std::move(file_);
}

}  // namespace tributary::lake::parquet
