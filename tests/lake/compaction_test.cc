// Reading silver files back (the Parquet reader compaction uses) and compaction itself.
#include "lake/compaction.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>

#include "lake/event_date.h"
#include "lake/parquet/file_reader.h"
#include "lake/parquet/file_writer.h"
#include "lake/silver_reader.h"
#include "lake/silver_schema.h"
#include "lake_test_support.h"
#include "store/open_store.h"

namespace tributary::lake {
namespace {

std::string write_silver(const event::EventBatch& batch, const parquet::WriterOptions& options) {
  parquet::ParquetFileWriter writer(silver_columns(batch.stream()), options);
  SilverColumnInputs inputs(batch);
  std::vector<std::uint32_t> rows(batch.size());
  for (std::uint32_t r = 0; r < batch.size(); ++r) rows[r] = r;
  writer.write_rows(inputs.inputs(), rows);
  return writer.finish({});
}

TEST(SilverReader, ReadsBackWhatTheWriterWroteForEveryStreamAndCodec) {
  for (event::Stream stream : event::kAllStreams) {
    for (auto codec : {parquet::CompressionCodec::kZstd, parquet::CompressionCodec::kSnappy,
                       parquet::CompressionCodec::kUncompressed}) {
      testing::RandomBatchOptions batch_options;
      batch_options.rows = 1500;
      const event::EventBatch batch = testing::random_batch(stream, 41, batch_options);
      parquet::WriterOptions options;
      options.codec = codec;
      options.page_rows = 200;
      options.row_group_rows = 600;
      options.dictionary_bytes_limit = 1000;
      const event::EventBatch back = read_silver_file(write_silver(batch, options), stream);
      testing::expect_rows_equal(testing::expected_silver_rows(back, {}),
                                 testing::expected_silver_rows(batch, {}),
                                 std::string(event::stream_name(stream)));
      EXPECT_EQ(back.keys(), batch.keys());
    }
  }
}

TEST(SilverReader, RejectsOtherSchemasAndDamagedFiles) {
  const event::EventBatch batch = testing::random_batch(event::Stream::kAuth, 42);
  const std::string file = write_silver(batch, {});
  EXPECT_THROW(read_silver_file(file, event::Stream::kListen), std::runtime_error);
  EXPECT_THROW(read_silver_file("", event::Stream::kAuth), std::runtime_error);
  EXPECT_THROW(read_silver_file("PAR1garbagePAR1", event::Stream::kAuth), std::runtime_error);
  EXPECT_THROW(read_silver_file(file.substr(0, file.size() / 2), event::Stream::kAuth),
               std::runtime_error);
}

// Damaged bytes anywhere give an exception or a (wrong) batch, never a crash or a hang; the
// sanitizer build checks the memory safety of every path taken here.
TEST(SilverReader, SurvivesRandomByteDamage) {
  testing::RandomBatchOptions batch_options;
  batch_options.rows = 300;
  const event::EventBatch batch = testing::random_batch(event::Stream::kListen, 43, batch_options);
  parquet::WriterOptions options;
  options.codec = parquet::CompressionCodec::kUncompressed;
  options.page_rows = 50;
  const std::string file = write_silver(batch, options);
  std::mt19937_64 rng(44);
  int failures = 0;
  for (int i = 0; i < 400; ++i) {
    std::string damaged = file;
    for (int k = 0; k < 1 + static_cast<int>(rng() % 4); ++k) {
      damaged[rng() % damaged.size()] = static_cast<char>(rng());
    }
    try {
      read_silver_file(damaged, event::Stream::kListen);
    } catch (const std::exception&) {
      ++failures;
    }
  }
  EXPECT_GT(failures, 0);
}

TEST(Compaction, MergesSmallFilesOfEachPartitionAndSwapsThemInTheManifest) {
  const std::string dir = testing::temp_dir("lake");
  auto lake = store::open_store("file://" + dir);
  StoreManifest manifest(*lake);
  SilverTableWriter writer(*lake);
  std::set<std::string> keys;
  std::size_t rows = 0;
  for (int b = 0; b < 4; ++b) {
    const event::EventBatch batch =
        testing::random_batch(event::Stream::kListen, 50 + static_cast<std::uint64_t>(b));
    manifest.commit({writer.write(batch, "b" + std::to_string(b)), {}});
    for (const event::EventKey& k : batch.keys()) keys.insert(k.hex());
    rows += batch.size();
  }
  const std::vector<ManifestEntry> before = manifest.entries();
  std::set<std::string> partitions;
  for (const ManifestEntry& e : before) partitions.insert(e.partition);
  ASSERT_GT(before.size(), partitions.size());

  const CompactionReport report = compact(*lake, manifest, std::nullopt, std::nullopt);
  EXPECT_EQ(report.partitions, partitions.size());
  EXPECT_EQ(report.removed.size(), before.size());
  const std::vector<ManifestEntry> after = manifest.entries();
  EXPECT_EQ(after.size(), partitions.size());  // one file per partition
  EXPECT_EQ(after, report.added);
  std::uint64_t after_rows = 0;
  for (const ManifestEntry& e : after) {
    after_rows += e.rows;
    EXPECT_NE(e.key.find("/part-compact-"), std::string::npos) << e.key;
  }
  EXPECT_EQ(after_rows, rows);
  for (const ManifestEntry& e : before) EXPECT_FALSE(lake->head(e.key).has_value()) << e.key;
  EXPECT_EQ(lake->list("silver/").objects.size(), after.size());

  // Every event exactly once, through the catalog's DuckDB view of the directory.
  const std::string ddl = "CREATE VIEW v AS SELECT * FROM read_parquet('" + dir +
                          "/silver/listen_events/*/*.parquet', hive_partitioning = true)";
  EXPECT_EQ(
      testing::duckdb_query({ddl,
                             "SELECT count(*)::VARCHAR AS n, "
                             "count(DISTINCT event_key)::VARCHAR AS k FROM v"}),
      R"([{"n":")" + std::to_string(rows) + R"(","k":")" + std::to_string(keys.size()) + R"("}])");

  // Nothing small is left: a second run changes nothing.
  const CompactionReport again = compact(*lake, manifest, std::nullopt, std::nullopt);
  EXPECT_TRUE(again.added.empty());
  EXPECT_EQ(manifest.entries(), after);
}

TEST(Compaction, HonoursTableAndPartitionFilters) {
  const std::string dir = testing::temp_dir("lake");
  auto lake = store::open_store("file://" + dir);
  StoreManifest manifest(*lake);
  SilverTableWriter writer(*lake);
  for (int b = 0; b < 2; ++b) {
    for (event::Stream s : {event::Stream::kListen, event::Stream::kAuth}) {
      manifest.commit({writer.write(testing::random_batch(s, 60 + static_cast<std::uint64_t>(b)),
                                    "b" + std::to_string(b)),
                       {}});
    }
  }
  const std::string day = format_day(utc_day(testing::RandomBatchOptions{}.ts_start));
  const CompactionReport report =
      compact(*lake, manifest, std::string("auth_events"), day, CompactionOptions{});
  EXPECT_EQ(report.partitions, 1u);
  ASSERT_EQ(report.added.size(), 1u);
  EXPECT_EQ(report.added[0].table, "auth_events");
  EXPECT_EQ(report.added[0].partition, "event_date=" + day);
  EXPECT_EQ(report.removed.size(), 2u);
  EXPECT_THROW(compact(*lake, manifest, std::string("nope"), std::nullopt), std::invalid_argument);
}

}  // namespace
}  // namespace tributary::lake
