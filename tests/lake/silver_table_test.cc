// Silver tables in a FileStore lake: partitioning by event date, deterministic names, file
// rolling, the manifest, garbage collection, and the catalog DDL run by DuckDB.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <map>
#include <string>

#include "lake/catalog.h"
#include "lake/event_date.h"
#include "lake/manifest.h"
#include "lake/silver_table_writer.h"
#include "lake_test_support.h"
#include "store/open_store.h"

namespace tributary::lake {
namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::vector<std::uint32_t> rows_of_day(const event::EventBatch& batch, std::int64_t day) {
  std::vector<std::uint32_t> rows;
  const auto& ts = batch.column(event::Field::kTs).i64;
  for (std::uint32_t r = 0; r < batch.size(); ++r) {
    if (utc_day(ts[r]) == day) rows.push_back(r);
  }
  return rows;
}

TEST(EventDate, UtcDaysAndFormatting) {
  EXPECT_EQ(format_day(utc_day(0)), "1970-01-01");
  EXPECT_EQ(format_day(utc_day(-1)), "1969-12-31");
  EXPECT_EQ(format_day(utc_day(1'686'959'999'999)), "2023-06-16");
  EXPECT_EQ(format_day(utc_day(1'686'960'000'000)), "2023-06-17");
  EXPECT_EQ(format_day(utc_day(951'782'400'000)), "2000-02-29");
}

TEST(SilverTable, OneFilePerEventDateWithDeterministicNamesAndBytes) {
  const std::string dir = testing::temp_dir("lake");
  auto lake = store::open_store("file://" + dir);
  const event::EventBatch batch = testing::random_batch(event::Stream::kListen, 31);
  SilverTableWriter writer(*lake);
  const std::vector<ManifestEntry> entries = writer.write(batch, "b0001");

  std::map<std::int64_t, std::size_t> days;
  for (std::uint32_t r = 0; r < batch.size(); ++r) {
    ++days[utc_day(batch.column(event::Field::kTs).i64[r])];
  }
  ASSERT_EQ(entries.size(), days.size());
  std::size_t i = 0;
  for (const auto& [day, count] : days) {
    const ManifestEntry& e = entries[i++];
    const std::string date = format_day(day);
    EXPECT_EQ(e.key, "silver/listen_events/event_date=" + date + "/part-b0001-0.parquet");
    EXPECT_EQ(e.table, "listen_events");
    EXPECT_EQ(e.partition, "event_date=" + date);
    EXPECT_EQ(e.rows, count);
    EXPECT_EQ(e.batch_id, "b0001");
    EXPECT_EQ(format_day(utc_day(e.min_ts_ms)), date);
    EXPECT_EQ(format_day(utc_day(e.max_ts_ms)), date);
    EXPECT_EQ(lake->head(e.key)->size, e.bytes);
    const std::vector<std::uint32_t> rows = rows_of_day(batch, day);
    const testing::Table t = testing::read_parquet("duckdb", dir + "/" + e.key);
    testing::expect_rows_equal(t.rows, testing::expected_silver_rows(batch, rows), e.key);
  }

  // A retried batch rewrites the same keys with the same bytes.
  std::vector<std::string> etags;
  for (const ManifestEntry& e : entries) etags.push_back(lake->head(e.key)->etag);
  EXPECT_EQ(writer.write(batch, "b0001"), entries);
  for (std::size_t k = 0; k < entries.size(); ++k) {
    EXPECT_EQ(lake->head(entries[k].key)->etag, etags[k]);
  }
  EXPECT_EQ(lake->list("silver/").objects.size(), entries.size());
}

TEST(SilverTable, LargePartitionsRollToNumberedFiles) {
  const std::string dir = testing::temp_dir("lake");
  auto lake = store::open_store("file://" + dir);
  testing::RandomBatchOptions batch_options;
  batch_options.rows = 3000;
  batch_options.ts_span_ms = 3'600'000;  // one hour: one or two partitions
  const event::EventBatch batch =
      testing::random_batch(event::Stream::kPageView, 32, batch_options);
  SilverWriteOptions options;
  options.max_file_rows = 250;
  const std::vector<ManifestEntry> entries = SilverTableWriter(*lake, options).write(batch, "r");
  std::map<std::string, std::vector<const ManifestEntry*>> by_partition;
  for (const ManifestEntry& e : entries) by_partition[e.partition].push_back(&e);
  for (auto& [partition, files] : by_partition) {
    std::sort(files.begin(), files.end(), [](const ManifestEntry* a, const ManifestEntry* b) {
      return a->key.size() != b->key.size() ? a->key.size() < b->key.size() : a->key < b->key;
    });
    testing::Rows read;
    for (std::size_t n = 0; n < files.size(); ++n) {
      EXPECT_TRUE(files[n]->key.ends_with("/part-r-" + std::to_string(n) + ".parquet"));
      EXPECT_LE(files[n]->rows, 250u);
      const testing::Table t = testing::read_parquet("hyparquet", dir + "/" + files[n]->key);
      read.insert(read.end(), t.rows.begin(), t.rows.end());
    }
    const std::int64_t day = utc_day(files.front()->min_ts_ms);
    testing::expect_rows_equal(read, testing::expected_silver_rows(batch, rows_of_day(batch, day)),
                               partition);
  }
  EXPECT_GE(entries.size(), 12u);
}

// Found by fuzz/parquet_writer_fuzzer: a target below the size of an empty Parquet file (its 4
// magic bytes) rolled before the first row, forever.
TEST(SilverTable, TargetsSmallerThanAnEmptyFileStillPutEveryRowInAFile) {
  auto lake = store::open_store("file://" + testing::temp_dir("tiny"));
  testing::RandomBatchOptions batch_options;
  batch_options.rows = 40;
  batch_options.ts_span_ms = 60'000;  // one partition
  const event::EventBatch batch = testing::random_batch(event::Stream::kAuth, 41, batch_options);
  for (const std::uint64_t target : {1u, 4u, 5u}) {
    SilverWriteOptions options;
    options.target_file_bytes = target;
    options.max_file_rows = 15;
    const std::vector<ManifestEntry> entries =
        SilverTableWriter(*lake, options).write(batch, "t" + std::to_string(target));
    ASSERT_EQ(entries.size(), 3u) << "target " << target;  // 15 + 15 + 10 rows
    std::uint64_t rows = 0;
    for (const ManifestEntry& e : entries) rows += e.rows;
    EXPECT_EQ(rows, 40u);
  }
}

// A batch decoded on several threads arrives as parts; the files are those of the whole batch.
TEST(SilverTable, PartsOfABatchWriteTheSameFilesAsTheWholeBatch) {
  const event::EventBatch a = testing::random_batch(event::Stream::kListen, 37);
  const event::EventBatch b = testing::random_batch(event::Stream::kListen, 38);
  event::EventBatch whole(event::Stream::kListen);
  for (const event::EventBatch* part : {&a, &b}) {
    for (std::size_t r = 0; r < part->size(); ++r) whole.append_row(*part, r);
  }
  SilverWriteOptions options;
  options.max_file_rows = 300;  // files that span both parts, and several files per partition
  auto lake_parts = store::open_store("file://" + testing::temp_dir("parts"));
  auto lake_whole = store::open_store("file://" + testing::temp_dir("whole"));
  const event::EventBatch* const parts[] = {&a, &b};
  const std::vector<ManifestEntry> from_parts =
      SilverTableWriter(*lake_parts, options).write(parts, "p1");
  const std::vector<ManifestEntry> from_whole =
      SilverTableWriter(*lake_whole, options).write(whole, "p1");
  EXPECT_EQ(from_parts, from_whole);
  ASSERT_GT(from_parts.size(), 6u);
  for (const ManifestEntry& e : from_parts) {
    EXPECT_EQ(lake_parts->get(e.key).body, lake_whole->get(e.key).body) << e.key;
  }
  const event::EventBatch auth(event::Stream::kAuth);
  const event::EventBatch* const mixed[] = {&a, &auth};
  EXPECT_THROW(SilverTableWriter(*lake_parts).write(mixed, "p2"), std::invalid_argument);
}

TEST(SilverTable, BadBatchIdsAreRejectedBeforeAnythingIsWritten) {
  const std::string dir = testing::temp_dir("lake");
  auto lake = store::open_store("file://" + dir);
  const event::EventBatch batch = testing::random_batch(event::Stream::kAuth, 33);
  SilverTableWriter writer(*lake);
  for (const char* bad : {"", "a/b", "../x", "a b", "ü"}) {
    EXPECT_THROW(writer.write(batch, bad), std::invalid_argument) << bad;
  }
  EXPECT_THROW(writer.write(batch, std::string(65, 'a')), std::invalid_argument);
  EXPECT_TRUE(lake->list("").objects.empty());
}

TEST(LakeManifest, CommitsReplaceByKeyRemoveAndPersist) {
  const std::string dir = testing::temp_dir("lake");
  auto lake = store::open_store("file://" + dir);
  StoreManifest manifest(*lake);
  EXPECT_TRUE(manifest.entries().empty());
  const ManifestEntry a{"listen_events", "event_date=2024-01-01", "silver/a", 1, 10, 5, 6, "b1"};
  ManifestEntry b{"listen_events", "event_date=2024-01-02", "silver/b", 2, 20, 7, 8, "b1"};
  manifest.commit({{b, a}, {}});
  EXPECT_EQ(manifest.entries(), (std::vector<ManifestEntry>{a, b}));
  b.rows = 3;
  manifest.commit({{b}, {"silver/a", "silver/missing"}});
  EXPECT_EQ(StoreManifest(*lake).entries(), std::vector<ManifestEntry>{b});
  EXPECT_EQ(manifest_from_json(manifest_to_json({a, b})), (std::vector<ManifestEntry>{a, b}));
}

TEST(LakeManifest, DamagedManifestIsAnErrorNamingIt) {
  const std::string dir = testing::temp_dir("lake");
  auto lake = store::open_store("file://" + dir);
  lake->put(StoreManifest::kKey, "{\"version\":1,\"files\":[{\"table\":1}]}");
  try {
    StoreManifest(*lake).entries();
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("_tributary/manifest.json"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("entry 0"), std::string::npos);
  }
  lake->put(StoreManifest::kKey, "not json");
  EXPECT_THROW(StoreManifest(*lake).entries(), std::runtime_error);
  lake->put(StoreManifest::kKey, "{\"version\":2,\"files\":[]}");
  EXPECT_THROW(StoreManifest(*lake).entries(), std::runtime_error);
}

TEST(LakeManifest, GarbageCollectionDeletesOnlyOldUncommittedFiles) {
  const std::string dir = testing::temp_dir("lake");
  auto lake = store::open_store("file://" + dir);
  const event::EventBatch batch = testing::random_batch(event::Stream::kListen, 34);
  SilverTableWriter writer(*lake);
  const std::vector<ManifestEntry> committed = writer.write(batch, "kept");
  const std::vector<ManifestEntry> orphans = writer.write(batch, "crashed");
  StoreManifest manifest(*lake);
  manifest.commit({committed, {}});

  // Files younger than the cutoff are spared: a writer may be about to commit them.
  EXPECT_TRUE(collect_garbage(*lake, manifest.entries(), 0).empty());
  std::vector<std::string> deleted = collect_garbage(*lake, manifest.entries(), now_ms() + 1000);
  std::vector<std::string> expected;
  for (const ManifestEntry& e : orphans) expected.push_back(e.key);
  std::sort(deleted.begin(), deleted.end());
  EXPECT_EQ(deleted, expected);
  for (const ManifestEntry& e : committed) EXPECT_TRUE(lake->head(e.key).has_value()) << e.key;
  for (const ManifestEntry& e : orphans) EXPECT_FALSE(lake->head(e.key).has_value()) << e.key;
  EXPECT_TRUE(lake->head(StoreManifest::kKey).has_value());
}

TEST(Catalog, DuckDBRunsTheDDLAndQueriesAMultiPartitionLake) {
  const std::string dir = testing::temp_dir("lake");
  auto lake = store::open_store("file://" + dir);
  StoreManifest manifest(*lake);
  SilverTableWriter writer(*lake);
  const event::EventBatch listens = testing::random_batch(event::Stream::kListen, 35);
  const event::EventBatch auths = testing::random_batch(event::Stream::kAuth, 36);
  manifest.commit({writer.write(listens, "b1"), {}});
  manifest.commit({writer.write(auths, "b2"), {}});

  const std::string ddl = duckdb_parquet_views("file://" + dir, manifest.entries());
  EXPECT_EQ(ddl.find("page_view_events"), std::string::npos) << "no view without files";

  std::map<std::string, std::size_t> per_day;
  for (std::uint32_t r = 0; r < listens.size(); ++r) {
    ++per_day[format_day(utc_day(listens.column(event::Field::kTs).i64[r]))];
  }
  ASSERT_GE(per_day.size(), 3u);
  std::string expected = "[";
  for (const auto& [day, n] : per_day) {
    expected += R"({"d":")" + day + R"(","n":")" + std::to_string(n) + "\"},";
  }
  expected.back() = ']';
  EXPECT_EQ(testing::duckdb_query({ddl,
                                   "SELECT event_date::VARCHAR AS d, count(*)::VARCHAR AS n "
                                   "FROM listen_events GROUP BY 1 ORDER BY 1"}),
            expected);
  // Partition pruning by the hive column, typed columns, and the second table.
  EXPECT_EQ(testing::duckdb_query(
                {ddl, "SELECT typeof(ts) AS t, typeof(event_date) AS d FROM auth_events LIMIT 1"}),
            R"([{"t":"TIMESTAMP WITH TIME ZONE","d":"DATE"}])");
  EXPECT_EQ(testing::duckdb_query({ddl, "SELECT count(*)::VARCHAR AS n FROM auth_events"}),
            R"([{"n":")" + std::to_string(auths.size()) + R"("}])");
}

}  // namespace
}  // namespace tributary::lake
