// Column-chunk statistics as DuckDB reads them through parquet_metadata(), and row-group pruning:
// a predicate on `ts` must let DuckDB skip row groups without reading them.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cinttypes>
#include <ctime>
#include <fstream>
#include <numeric>
#include <stdexcept>
#include <string>

#include "lake/parquet/file_writer.h"
#include "lake/silver_schema.h"
#include "lake_test_support.h"

namespace tributary::lake {
namespace {

constexpr std::size_t kRowGroupRows = 1000;

std::vector<std::uint32_t> rows_sorted_by_ts(const event::EventBatch& batch) {
  const auto& ts = batch.column(event::Field::kTs).i64;
  std::vector<std::uint32_t> rows(batch.size());
  std::iota(rows.begin(), rows.end(), 0u);
  std::stable_sort(rows.begin(), rows.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return ts[a] < ts[b]; });
  return rows;
}

std::string write_sorted(const event::EventBatch& batch, const std::vector<std::uint32_t>& rows,
                         const std::string& path) {
  parquet::WriterOptions options;
  options.row_group_rows = kRowGroupRows;
  options.page_rows = 250;
  parquet::ParquetFileWriter writer(silver_columns(batch.stream()), options);
  SilverColumnInputs inputs(batch);
  writer.write_rows(inputs.inputs(), rows);
  const std::string bytes = writer.finish({});
  testing::write_file(path, bytes);
  return bytes;
}

// "YYYY-MM-DD HH:MM:SS.mmm+00", a TIMESTAMPTZ literal DuckDB parses exactly.
std::string timestamp_literal(std::int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%03d+00", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

struct Expected {
  std::string min;
  std::string max;
  std::int64_t nulls = 0;
};

// The statistics of `column` over rows [begin, end) of `rows`, in the text the query below prints.
Expected expected_stats(const event::EventBatch& batch, event::Field field,
                        const std::vector<std::uint32_t>& rows, std::size_t begin,
                        std::size_t end) {
  const event::Column& c = batch.column(field);
  Expected e;
  bool first = true;
  std::int64_t imin = 0;
  std::int64_t imax = 0;
  double dmin = 0;
  double dmax = 0;
  std::string_view smin;
  std::string_view smax;
  for (std::size_t i = begin; i < end; ++i) {
    const std::uint32_t r = rows[i];
    if (!c.is_valid(r)) {
      ++e.nulls;
      continue;
    }
    if (c.type == event::FieldType::kString) {
      const std::string_view s = c.str.at(r);
      if (first || s < smin) smin = s;
      if (first || smax < s) smax = s;
    } else if (c.type == event::FieldType::kDouble) {
      dmin = first ? c.f64[r] : std::min(dmin, c.f64[r]);
      dmax = first ? c.f64[r] : std::max(dmax, c.f64[r]);
    } else {
      imin = first ? c.i64[r] : std::min(imin, c.i64[r]);
      imax = first ? c.i64[r] : std::max(imax, c.i64[r]);
    }
    first = false;
  }
  if (first) return e;
  if (c.type == event::FieldType::kString) {
    // Longer than WriterOptions::max_statistics_bytes: left out.
    if (smin.size() <= 256 && smax.size() <= 256) {
      e.min = smin;
      e.max = smax;
    }
  } else if (c.type == event::FieldType::kDouble) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", dmin);
    e.min = buf;
    std::snprintf(buf, sizeof buf, "%.17g", dmax);
    e.max = buf;
  } else {
    e.min = std::to_string(imin);
    e.max = std::to_string(imax);
  }
  return e;
}

TEST(ParquetStatistics, DuckDBSeesMinMaxAndNullCountPerRowGroup) {
  testing::RandomBatchOptions batch_options;
  batch_options.rows = 3 * kRowGroupRows;
  batch_options.long_string_every = 400;
  const event::EventBatch batch = testing::random_batch(event::Stream::kListen, 21, batch_options);
  const std::vector<std::uint32_t> rows = rows_sorted_by_ts(batch);
  const std::string path = testing::temp_dir("stats") + "/stats.parquet";
  write_sorted(batch, rows, path);

  // Typed in SQL so the comparison does not depend on DuckDB's text formats.
  const std::string json = testing::duckdb_query(
      {"SELECT row_group_id::INTEGER AS rg, path_in_schema AS col, "
       "CASE WHEN path_in_schema IN ('ts', 'registration') "
       "  THEN epoch_ms(stats_min_value::TIMESTAMPTZ)::VARCHAR "
       "  WHEN path_in_schema IN ('duration', 'lat') "
       "  THEN printf('%.17g', stats_min_value::DOUBLE) ELSE stats_min_value END AS min, "
       "CASE WHEN path_in_schema IN ('ts', 'registration') "
       "  THEN epoch_ms(stats_max_value::TIMESTAMPTZ)::VARCHAR "
       "  WHEN path_in_schema IN ('duration', 'lat') "
       "  THEN printf('%.17g', stats_max_value::DOUBLE) ELSE stats_max_value END AS max, "
       "stats_null_count::BIGINT AS nulls FROM parquet_metadata('" +
       path +
       "') WHERE path_in_schema IN "
       "('ts', 'registration', 'duration', 'lat', 'session_id', 'user_id', 'artist', 'city') "
       "ORDER BY rg, col"});
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(json);
  std::size_t checked = 0;
  for (simdjson::dom::element row : doc.get_array()) {
    const auto rg = static_cast<std::size_t>(std::int64_t(row["rg"]));
    const std::string col{std::string_view(row["col"])};
    event::Field field{};
    for (const event::StreamField& f : batch.fields()) {
      if (f.info().column_name == col) field = f.field;
    }
    const Expected e = expected_stats(batch, field, rows, rg * kRowGroupRows,
                                      std::min(rows.size(), (rg + 1) * kRowGroupRows));
    const auto text = [](simdjson::dom::element v) {
      return v.is_null() ? std::string() : std::string(std::string_view(v));
    };
    EXPECT_EQ(text(row["min"]), e.min) << col << " row group " << rg;
    EXPECT_EQ(text(row["max"]), e.max) << col << " row group " << rg;
    EXPECT_EQ(std::string_view(row["nulls"]), std::to_string(e.nulls)) << col << " rg " << rg;
    ++checked;
  }
  EXPECT_EQ(checked, 3u * 8u);
}

// Proof of pruning: row group 0's `ts` chunk is overwritten with garbage. A query whose predicate
// excludes row group 0 by its statistics still answers correctly; one that needs it fails.
TEST(ParquetStatistics, PredicateOnTsSkipsRowGroupsByStatistics) {
  testing::RandomBatchOptions batch_options;
  batch_options.rows = 3 * kRowGroupRows;
  const event::EventBatch batch = testing::random_batch(event::Stream::kAuth, 22, batch_options);
  const std::vector<std::uint32_t> rows = rows_sorted_by_ts(batch);
  const std::string path = testing::temp_dir("prune") + "/prune.parquet";
  std::string bytes = write_sorted(batch, rows, path);

  const auto& ts = batch.column(event::Field::kTs).i64;
  const std::int64_t boundary = ts[rows[kRowGroupRows]];
  ASSERT_LT(ts[rows[kRowGroupRows - 1]], boundary) << "row groups 0 and 1 share a ts value";
  const std::string predicate = "ts >= '" + timestamp_literal(boundary) + "'::TIMESTAMPTZ";
  // Both queries read `ts` values (a bare count(*) could be answered from statistics alone).
  std::int64_t sum = 0;
  for (std::size_t i = kRowGroupRows; i < rows.size(); ++i) sum += ts[rows[i]];
  const std::string expected = R"([{"n":")" + std::to_string(rows.size() - kRowGroupRows) +
                               R"(","s":")" + std::to_string(sum) + R"("}])";
  const std::string count_sql =
      "SELECT count(*)::VARCHAR AS n, sum(epoch_ms(ts))::VARCHAR AS s FROM read_parquet('" + path +
      "') WHERE " + predicate;
  ASSERT_EQ(testing::duckdb_query({count_sql}), expected);

  const std::string offsets = testing::duckdb_query(
      {"SELECT coalesce(dictionary_page_offset, data_page_offset)::BIGINT AS start, "
       "total_compressed_size::BIGINT AS size FROM parquet_metadata('" +
       path + "') WHERE row_group_id = 0 AND path_in_schema = 'ts'"});
  simdjson::dom::parser parser;
  simdjson::dom::element chunk = parser.parse(offsets).at(0);
  // getRowObjectsJson() prints BIGINT as text.
  const auto start = std::stoull(std::string(std::string_view(chunk["start"])));
  const auto size = std::stoull(std::string(std::string_view(chunk["size"])));
  ASSERT_LT(start + size, bytes.size());
  std::fill(bytes.begin() + static_cast<std::ptrdiff_t>(start),
            bytes.begin() + static_cast<std::ptrdiff_t>(start + size), '\xff');
  testing::write_file(path, bytes);

  EXPECT_EQ(testing::duckdb_query({count_sql}), expected);
  EXPECT_THROW(
      testing::duckdb_query({"SELECT sum(epoch_ms(ts)) FROM read_parquet('" + path +
                             "') WHERE ts < '" + timestamp_literal(boundary) + "'::TIMESTAMPTZ"}),
      std::runtime_error);
}

// The page index, read by hyparquet: an OffsetIndex locating every data page (contiguous, with
// its first row) and a ColumnIndex with each page's min, max and null count.
TEST(ParquetStatistics, PageIndexLocatesAndDescribesEveryPage) {
  testing::RandomBatchOptions batch_options;
  batch_options.rows = 3 * kRowGroupRows;
  const event::EventBatch batch = testing::random_batch(event::Stream::kListen, 23, batch_options);
  const std::vector<std::uint32_t> rows = rows_sorted_by_ts(batch);
  const std::string path = testing::temp_dir("index") + "/index.parquet";
  write_sorted(batch, rows, path);
  constexpr std::size_t kPageRows = 250;  // write_sorted's page size

  for (const event::Field field : {event::Field::kTs, event::Field::kUserId}) {
    const std::string column(event::field_info(field).column_name);
    simdjson::dom::parser parser;
    const std::string json = testing::parquet_page_index_json(path, column);
    simdjson::dom::array groups = parser.parse(json).get_array();
    ASSERT_EQ(groups.size(), 3u) << column;
    std::size_t rg = 0;
    for (simdjson::dom::element g : groups) {
      simdjson::dom::array pages = g["offset_index"].get_array();
      simdjson::dom::element index = g["column_index"];
      ASSERT_EQ(pages.size(), kRowGroupRows / kPageRows) << column;
      std::int64_t expected_offset = -1;
      for (std::size_t p = 0; p < pages.size(); ++p) {
        simdjson::dom::element loc = pages.at(p);
        const std::int64_t offset = std::stoll(std::string(std::string_view(loc["offset"])));
        EXPECT_EQ(std::string_view(loc["first_row_index"]), std::to_string(p * kPageRows));
        if (expected_offset >= 0) {
          EXPECT_EQ(offset, expected_offset) << column << " page " << p;
        }
        expected_offset = offset + std::int64_t(loc["compressed_page_size"]);

        const std::size_t begin = rg * kRowGroupRows + p * kPageRows;
        const Expected e = expected_stats(batch, field, rows, begin, begin + kPageRows);
        EXPECT_EQ(std::string_view(index["min_values"].at(p)), e.min) << column << " page " << p;
        EXPECT_EQ(std::string_view(index["max_values"].at(p)), e.max) << column << " page " << p;
        EXPECT_EQ(std::string_view(index["null_counts"].at(p)), std::to_string(e.nulls));
        EXPECT_FALSE(bool(index["null_pages"].at(p)));
      }
      ++rg;
    }
  }
}

}  // namespace
}  // namespace tributary::lake
