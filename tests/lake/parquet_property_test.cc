// Randomized property: for random batches, schemas (all four streams), selections and writer
// options, DuckDB reads back exactly the rows written. TRIBUTARY_PROPERTY_SEED=<n> replays one
// case; failures print their seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <string>

#include "lake/parquet/file_writer.h"
#include "lake/silver_schema.h"
#include "lake_test_support.h"

namespace tributary::lake {
namespace {

void check_seed(std::uint64_t seed) {
  SCOPED_TRACE("TRIBUTARY_PROPERTY_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  const auto stream = event::kAllStreams[rng() % event::kStreamCount];
  testing::RandomBatchOptions batch_options;
  batch_options.rows = rng() % 4000;
  batch_options.null_rate = static_cast<double>(rng() % 101) / 100.0;
  batch_options.distinct_strings = 1 + rng() % 5000;
  batch_options.long_string_every = rng() % 300;
  const event::EventBatch batch = testing::random_batch(stream, seed, batch_options);

  parquet::WriterOptions options;
  const parquet::CompressionCodec codecs[] = {parquet::CompressionCodec::kZstd,
                                              parquet::CompressionCodec::kSnappy,
                                              parquet::CompressionCodec::kUncompressed};
  options.codec = codecs[rng() % 3];
  options.page_rows = 1 + rng() % 2000;
  options.page_bytes = 64 + rng() % (1 << 20);
  options.row_group_rows = 1 + rng() % 5000;
  options.dictionary_bytes_limit = 16 + rng() % 100'000;
  options.page_index = (rng() & 1) != 0;

  // All rows, a subset, or a permutation.
  std::vector<std::uint32_t> rows;
  for (std::uint32_t r = 0; r < batch.size(); ++r) {
    if (rng() % 3 != 0) rows.push_back(r);
  }
  if ((rng() & 1) != 0) std::shuffle(rows.begin(), rows.end(), rng);

  parquet::ParquetFileWriter writer(silver_columns(stream), options);
  SilverColumnInputs inputs(batch);
  writer.write_rows(inputs.inputs(), rows);
  const std::string path = testing::temp_dir("seed" + std::to_string(seed)) + "/p.parquet";
  testing::write_file(path, writer.finish({}));

  const testing::Table table = testing::read_parquet("duckdb", path);
  const testing::Rows expected =
      rows.empty() ? testing::Rows{} : testing::expected_silver_rows(batch, rows);
  ASSERT_EQ(table.rows.size(), expected.size());
  for (std::size_t r = 0; r < expected.size(); ++r) {
    ASSERT_EQ(table.rows[r], expected[r]) << "row " << r;
  }
}

TEST(ParquetProperty, RandomBatchesReadBackEqualThroughDuckDB) {
  if (const char* seed = std::getenv("TRIBUTARY_PROPERTY_SEED")) {
    check_seed(std::strtoull(seed, nullptr, 10));
    return;
  }
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    check_seed(seed);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace tributary::lake
