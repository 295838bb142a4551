#include "lake/iceberg/data_file.h"

#include <algorithm>
#include <stdexcept>

namespace tributary::lake::iceberg {

DataFile make_data_file(std::string path, std::int64_t record_count, std::int64_t file_size,
                        std::int32_t ts_day, std::span<const parquet::ColumnSpec> columns,
                        const parquet::FileMetrics& metrics) {
  if (columns.size() != metrics.columns.size()) {
    throw std::invalid_argument("iceberg: " + std::to_string(metrics.columns.size()) +
                                " column metrics for " + std::to_string(columns.size()) +
                                " columns");
  }
  DataFile f;
  f.path = std::move(path);
  f.record_count = record_count;
  f.file_size_in_bytes = file_size;
  f.ts_day = ts_day;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (!columns[i].field_id) {
      throw std::invalid_argument("iceberg: column " + columns[i].name + " has no field_id");
    }
    const parquet::ColumnMetrics& m = metrics.columns[i];
    ColumnStats s;
    s.id = *columns[i].field_id;
    s.size = m.compressed_bytes;
    s.values = m.values;
    s.nulls = m.nulls;
    if (m.has_bounds) {
      s.lower = m.min;
      s.upper = m.max;
    }
    f.columns.push_back(std::move(s));
  }
  std::sort(f.columns.begin(), f.columns.end(),
            [](const ColumnStats& a, const ColumnStats& b) { return a.id < b.id; });
  f.split_offsets = metrics.row_group_offsets;
  return f;
}

}  // namespace tributary::lake::iceberg
