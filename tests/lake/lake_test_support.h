// Helpers for the lake tests: random event batches, the values a reader should see, and the
// independent readers (DuckDB and hyparquet, run by node from tests/js).
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "event/batch.h"

namespace tributary::lake::testing {

// A cell as tests/js/read_parquet.mjs prints it: integers and timestamps (ms) as decimal text,
// doubles as "%.17g", booleans as "true"/"false", strings as-is; nullopt for null.
using Cell = std::optional<std::string>;
using Rows = std::vector<std::vector<Cell>>;

struct Table {
  std::vector<std::string> columns;
  Rows rows;
};

struct RandomBatchOptions {
  std::size_t rows = 1000;
  double null_rate = 0.2;              // for optional fields and `extra`
  std::size_t long_string_every = 97;  // every n-th string is 5-20 KB
  std::size_t distinct_strings = 50;   // values short strings are drawn from
  std::int64_t ts_start = 1'700'000'000'000;
  std::int64_t ts_span_ms = 3LL * 86'400'000;  // ts spreads over three days
};

// A batch whose values exercise the writer: empty strings, multi-byte UTF-8, long strings, nulls,
// negative and extreme numbers within the schema's rules, several sources, `extra` JSON.
event::EventBatch random_batch(event::Stream stream, std::uint64_t seed,
                               const RandomBatchOptions& options = {});

// The rows of `batch` (selected by `rows`, all when empty) in silver column order.
Rows expected_silver_rows(const event::EventBatch& batch, const std::vector<std::uint32_t>& rows);

// Fails the test at the first differing row and column, naming them.
void expect_rows_equal(const Rows& actual, const Rows& expected, const std::string& context);

// Reads `path` with "duckdb" or "hyparquet" through node; fails the test on reader errors.
Table read_parquet(const std::string& reader, const std::string& path);

// hyparquet's parse of `path`'s footer, as JSON text.
std::string parquet_metadata_json(const std::string& path);

// hyparquet's reading of `column`'s OffsetIndex and ColumnIndex in every row group, as JSON text.
std::string parquet_page_index_json(const std::string& path, const std::string& column);

// Runs SQL statements in one DuckDB session (node) and returns the last one's rows as JSON text.
std::string duckdb_query(const std::vector<std::string>& statements);

// A silver Iceberg table as icebird reads it and as DuckDB reads the data files icebird found in
// its manifests (tests/js/iceberg_read.mjs). `lake_dir` is the FileStore directory behind the
// table URI s3://<bucket>/...; `metadata_file` (e.g. "v2.metadata.json") picks a version, empty:
// the one version-hint.text names.
struct IcebergRead {
  Table icebird;
  Table duckdb;
  std::vector<std::string> data_files;
};
IcebergRead read_iceberg(const std::string& lake_dir, const std::string& table_uri,
                         const std::string& metadata_file = "");

// avsc's decoding of the Avro object container file at `path` (tests/js/read_avro.mjs), as JSON
// text.
std::string read_avro(const std::string& path);

// A fresh empty directory under the build tree, unique per test.
std::string temp_dir(const std::string& name);

void write_file(const std::string& path, const std::string& bytes);

}  // namespace tributary::lake::testing
