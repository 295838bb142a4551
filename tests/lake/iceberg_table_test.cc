// Silver tables as Iceberg v2 tables: commits built by IcebergTable from real silver Parquet
// files in a FileStore lake, then read by readers we did not write. icebird reads the table
// through metadata/version-hint.text (and an older version, for time travel) via a fetch shim over
// the lake directory; DuckDB reads the data files icebird found in the manifests; both must give
// exactly the rows of the committed batches (the oracle: the batches themselves). avsc decodes
// the manifests and manifest lists, whose schemas and field ids are checked against the
// specification's tables, and whose metrics against the batches.
#include "lake/iceberg/iceberg_table.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <string>

#include "lake/event_date.h"
#include "lake/iceberg/manifest_files.h"
#include "lake/iceberg/silver_tables.h"
#include "lake/iceberg/table_metadata.h"
#include "lake/parquet/file_writer.h"
#include "lake/silver_reader.h"
#include "lake/silver_schema.h"
#include "lake/silver_table_writer.h"
#include "lake_test_support.h"
#include "store/open_store.h"

namespace tributary::lake::iceberg {
namespace {

constexpr std::string_view kBucket = "s3://lake/";

// A FileStore directory standing for the bucket s3://lake.
struct TestLake {
  std::string dir;
  std::unique_ptr<store::ObjectStore> store;

  explicit TestLake(const std::string& name)
      : dir(testing::temp_dir(name)), store(store::open_store("file://" + dir)) {}

  static std::string key(const std::string& uri) {
    EXPECT_TRUE(uri.starts_with(kBucket)) << uri;
    return uri.substr(kBucket.size());
  }
  ReadFile reader() {
    return [this](const std::string& location) { return store->get(key(location)).body; };
  }
  void put_all(const CommitResult& r) {
    for (const OutputFile& f : r.files) store->put(key(f.location), f.bytes, {});
  }
  std::string path(const std::string& uri) const { return dir + "/" + key(uri); }
};

// Writes `batch` as silver files; returns them as Iceberg data files, with the written entries.
std::vector<DataFile> write_batch(TestLake& lake, const event::EventBatch& batch,
                                  const std::string& batch_id,
                                  std::vector<ManifestEntry>* entries = nullptr) {
  std::vector<DataFile> files;
  SilverWriteOptions options;
  options.threads = 1;
  options.max_file_rows = 300;           // several files per partition
  options.parquet.row_group_rows = 120;  // several row groups per file
  options.on_file = [&](const ManifestEntry& e, const parquet::FileMetrics& metrics) {
    files.push_back(silver_data_file("s3://lake", e, batch.stream(), metrics));
  };
  const std::vector<ManifestEntry> written =
      SilverTableWriter(*lake.store, options).write(batch, batch_id);
  EXPECT_EQ(written.size(), files.size());
  if (entries != nullptr) *entries = written;
  return files;
}

IcebergTable table_for(event::Stream stream) {
  return silver_table("s3://lake", stream);
}

testing::Rows sorted_by_key(testing::Rows rows, std::size_t key_column) {
  std::sort(rows.begin(), rows.end(),
            [&](const auto& a, const auto& b) { return a[key_column] < b[key_column]; });
  return rows;
}

testing::Rows oracle(const std::vector<const event::EventBatch*>& batches) {
  testing::Rows rows;
  for (const event::EventBatch* b : batches) {
    for (auto& r : testing::expected_silver_rows(*b, {})) rows.push_back(std::move(r));
  }
  return rows;
}

std::size_t key_column(const testing::Table& t) {
  return static_cast<std::size_t>(std::find(t.columns.begin(), t.columns.end(), "event_key") -
                                  t.columns.begin());
}

// icebird and DuckDB both see exactly `want`, and the snapshot lists exactly `files`.
void expect_table(const TestLake& lake, const std::string& location, const testing::Rows& want,
                  const std::set<std::string>& files, const std::string& metadata_file,
                  const std::string& context) {
  const testing::IcebergRead got = testing::read_iceberg(lake.dir, location, metadata_file);
  const std::size_t key = key_column(got.icebird);
  ASSERT_LT(key, got.icebird.columns.size());
  const testing::Rows expected = sorted_by_key(want, key);
  testing::expect_rows_equal(sorted_by_key(got.icebird.rows, key), expected, context + " icebird");
  testing::expect_rows_equal(sorted_by_key(got.duckdb.rows, key), expected, context + " duckdb");
  EXPECT_EQ(std::set<std::string>(got.data_files.begin(), got.data_files.end()), files) << context;
  EXPECT_EQ(got.data_files.size(), files.size()) << context << ": a file listed twice";
}

std::set<std::string> paths(std::initializer_list<const std::vector<DataFile>*> lists) {
  std::set<std::string> out;
  for (const auto* l : lists) {
    for (const DataFile& f : *l) out.insert(f.path);
  }
  return out;
}

TEST(IcebergTable, AppendReplaceExpireReadByIcebirdAndDuckDB) {
  TestLake lake("lake");
  const event::Stream stream = event::Stream::kListen;
  const IcebergTable table = table_for(stream);
  testing::RandomBatchOptions o;
  o.rows = 700;
  const event::EventBatch b1 = testing::random_batch(stream, 41, o);
  o.rows = 500;
  o.ts_start += 86'400'000;  // overlaps b1's last two days
  const event::EventBatch b2 = testing::random_batch(stream, 42, o);

  const std::vector<DataFile> f1 = write_batch(lake, b1, "batch-1");
  const CommitResult r1 =
      table.commit_append(std::nullopt, f1, {snapshot_id_for("b1"), 1'000}, lake.reader());
  lake.put_all(r1);
  EXPECT_EQ(r1.state.version, 1);
  EXPECT_EQ(r1.state.metadata_location, table.location() + "/metadata/v1.metadata.json");
  expect_table(lake, table.location(), oracle({&b1}), paths({&f1}), "", "after batch 1");

  const std::vector<DataFile> f2 = write_batch(lake, b2, "batch-2");
  const CommitResult r2 =
      table.commit_append(r1.state, f2, {snapshot_id_for("b2"), 2'000}, lake.reader());
  lake.put_all(r2);
  EXPECT_EQ(r2.state.version, 2);
  EXPECT_EQ(r2.state.metadata.snapshots.size(), 2u);
  EXPECT_EQ(*r2.state.metadata.current_snapshot()->find_summary("total-records"), "1200");
  expect_table(lake, table.location(), oracle({&b1, &b2}), paths({&f1, &f2}), "", "after batch 2");

  // Compaction of the busiest day: its files from both batches merged into one.
  std::map<std::int32_t, std::vector<const DataFile*>> by_day;
  for (const auto* list : {&f1, &f2}) {
    for (const DataFile& f : *list) by_day[*f.ts_day].push_back(&f);
  }
  const auto busiest = std::max_element(
      by_day.begin(), by_day.end(),
      [](const auto& a, const auto& b) { return a.second.size() < b.second.size(); });
  ASSERT_GE(busiest->second.size(), 2u);
  event::EventBatch merged(stream);
  std::vector<std::string> removed;
  for (const DataFile* f : busiest->second) {
    const event::EventBatch part =
        read_silver_file(lake.store->get(TestLake::key(f->path)).body, stream);
    for (std::size_t r = 0; r < part.size(); ++r) merged.append_row(part, r);
    removed.push_back(f->path);
  }
  std::vector<DataFile> added;
  {
    SilverWriteOptions options;
    options.threads = 1;
    options.on_file = [&](const ManifestEntry& e, const parquet::FileMetrics& metrics) {
      added.push_back(silver_data_file("s3://lake", e, stream, metrics));
    };
    SilverTableWriter(*lake.store, options).write(merged, "compact-1");
  }
  ASSERT_EQ(added.size(), 1u);
  const CommitResult r3 =
      table.commit_replace(r2.state, removed, added, {snapshot_id_for("c1"), 3'000}, lake.reader());
  lake.put_all(r3);
  EXPECT_EQ(*r3.state.metadata.current_snapshot()->find_summary("operation"), "replace");
  EXPECT_EQ(*r3.state.metadata.current_snapshot()->find_summary("total-records"), "1200");
  std::set<std::string> after = paths({&f1, &f2, &added});
  for (const std::string& p : removed) after.erase(p);
  // No row twice, none lost: the files of the day are replaced in one snapshot.
  expect_table(lake, table.location(), oracle({&b1, &b2}), after, "", "after compaction");
  // Time travel: the version before the compaction still reads the same rows from the old files.
  expect_table(lake, table.location(), oracle({&b1, &b2}), paths({&f1, &f2}), "v2.metadata.json",
               "version 2 after compaction");

  // Expiry: the two append snapshots go; what only they referenced becomes removable.
  const CommitResult r4 = table.expire_snapshots(r3.state, 2'500, 4'000, lake.reader());
  lake.put_all(r4);
  ASSERT_EQ(r4.state.metadata.snapshots.size(), 1u);
  EXPECT_EQ(r4.state.metadata.snapshot_log.size(), 1u);
  std::set<std::string> want_removable(removed.begin(), removed.end());
  for (const CommitResult* r : {&r1, &r2}) {
    for (const OutputFile& f : r->files) {
      if (f.path.find(".avro") != std::string::npos) want_removable.insert(f.location);
    }
  }
  EXPECT_EQ(std::set<std::string>(r4.removable.begin(), r4.removable.end()), want_removable);
  for (const std::string& uri : r4.removable) lake.store->remove(TestLake::key(uri));
  expect_table(lake, table.location(), oracle({&b1, &b2}), after, "", "after expiry");
  // Nothing left to expire: no new version.
  const CommitResult r5 = table.expire_snapshots(r4.state, 2'500, 5'000, lake.reader());
  EXPECT_TRUE(r5.files.empty());
  EXPECT_EQ(r5.state.version, r4.state.version);
}

// Finds a record field's JSON by name.
simdjson::dom::element field(simdjson::dom::element record, std::string_view name) {
  for (simdjson::dom::element f : record["fields"].get_array()) {
    if (std::string_view(f["name"]) == name) return f;
  }
  ADD_FAILURE() << "no field " << name;
  return record;
}

simdjson::dom::element non_null(simdjson::dom::element type) {
  return type.is_array() ? type.at(1).value() : type;
}

void expect_map_ids(simdjson::dom::element f, std::int64_t id, std::int64_t key_id,
                    std::int64_t value_id) {
  EXPECT_EQ(int64_t(f["field-id"]), id) << f;
  simdjson::dom::element map = non_null(f["type"]);
  EXPECT_EQ(std::string_view(map["logicalType"]), "map");
  EXPECT_EQ(int64_t(map["items"]["fields"].at(0)["field-id"]), key_id);
  EXPECT_EQ(int64_t(map["items"]["fields"].at(1)["field-id"]), value_id);
}

std::string le_hex(std::int64_t v) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "hex:";
  for (int i = 0; i < 8; ++i) {
    const auto b = static_cast<std::uint8_t>(static_cast<std::uint64_t>(v) >> (8 * i));
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xF]);
  }
  return out;
}

TEST(IcebergManifests, SchemasFieldIdsAndMetricsAsTheSpecDefines) {
  TestLake lake("manifests");
  const event::Stream stream = event::Stream::kPageView;
  const IcebergTable table = table_for(stream);
  testing::RandomBatchOptions o;
  o.rows = 400;
  const event::EventBatch batch = testing::random_batch(stream, 43, o);
  std::vector<ManifestEntry> entries;
  const std::vector<DataFile> files = write_batch(lake, batch, "batch-m", &entries);
  const std::int64_t id = snapshot_id_for("m1");
  const CommitResult r = table.commit_append(std::nullopt, files, {id, 1'000}, lake.reader());
  lake.put_all(r);

  simdjson::dom::parser parser;
  // The manifest.
  const std::string manifest_json = testing::read_avro(lake.path(r.files[0].location));
  simdjson::dom::element m = parser.parse(manifest_json);
  EXPECT_EQ(std::string_view(m["metadata"]["format-version"]), "2");
  EXPECT_EQ(std::string_view(m["metadata"]["content"]), "data");
  EXPECT_EQ(std::string_view(m["metadata"]["schema-id"]), "0");
  EXPECT_EQ(std::string_view(m["metadata"]["partition-spec-id"]), "0");
  simdjson::dom::parser spec_parser;  // a second parse with `parser` would invalidate `m`
  simdjson::dom::element spec_fields =
      spec_parser.parse(std::string(std::string_view(m["metadata"]["partition-spec"])));
  EXPECT_EQ(std::string_view(spec_fields.at(0)["transform"]), "day");
  EXPECT_EQ(int64_t(spec_fields.at(0)["field-id"]), 1000);
  simdjson::dom::element entry = m["schema"];
  EXPECT_EQ(std::string_view(entry["name"]), "manifest_entry");
  EXPECT_EQ(int64_t(field(entry, "status")["field-id"]), 0);
  EXPECT_EQ(int64_t(field(entry, "snapshot_id")["field-id"]), 1);
  EXPECT_EQ(int64_t(field(entry, "sequence_number")["field-id"]), 3);
  EXPECT_EQ(int64_t(field(entry, "file_sequence_number")["field-id"]), 4);
  EXPECT_EQ(int64_t(field(entry, "data_file")["field-id"]), 2);
  simdjson::dom::element df = field(entry, "data_file")["type"];
  const std::pair<const char*, std::int64_t> ids[] = {
      {"content", 134},      {"file_path", 100},          {"file_format", 101},  {"partition", 102},
      {"record_count", 103}, {"file_size_in_bytes", 104}, {"split_offsets", 132}};
  for (const auto& [name, want] : ids)
    EXPECT_EQ(int64_t(field(df, name)["field-id"]), want) << name;
  expect_map_ids(field(df, "column_sizes"), 108, 117, 118);
  expect_map_ids(field(df, "value_counts"), 109, 119, 120);
  expect_map_ids(field(df, "null_value_counts"), 110, 121, 122);
  expect_map_ids(field(df, "lower_bounds"), 125, 126, 127);
  expect_map_ids(field(df, "upper_bounds"), 128, 129, 130);
  EXPECT_EQ(int64_t(non_null(field(df, "split_offsets")["type"])["element-id"]), 133);
  simdjson::dom::element part = field(df, "partition")["type"];
  EXPECT_EQ(int64_t(field(part, "ts_day")["field-id"]), 1000);
  EXPECT_EQ(std::string_view(non_null(field(part, "ts_day")["type"])["logicalType"]), "date");

  // The entries: ADDED, inheriting sequence numbers, with the batch's metrics.
  const std::vector<parquet::ColumnSpec> columns = silver_columns(stream);
  const std::int64_t ts_id = [&] {
    for (const auto& c : columns) {
      if (c.name == "ts") return static_cast<std::int64_t>(*c.field_id);
    }
    return std::int64_t{-1};
  }();
  simdjson::dom::array records = m["records"];
  ASSERT_EQ(records.size(), entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    simdjson::dom::element e = records.at(i);
    SCOPED_TRACE(entries[i].key);
    EXPECT_EQ(int64_t(e["status"]), 1);
    EXPECT_EQ(std::string_view(e["snapshot_id"]), std::to_string(id));
    EXPECT_TRUE(e["sequence_number"].is_null());
    EXPECT_TRUE(e["file_sequence_number"].is_null());
    simdjson::dom::element d = e["data_file"];
    EXPECT_EQ(int64_t(d["content"]), 0);
    EXPECT_EQ(std::string_view(d["file_path"]), std::string(kBucket) + entries[i].key);
    EXPECT_EQ(std::string_view(d["file_format"]), "PARQUET");
    EXPECT_EQ(std::string_view(d["record_count"]), std::to_string(entries[i].rows));
    EXPECT_EQ(std::string_view(d["file_size_in_bytes"]), std::to_string(entries[i].bytes));
    EXPECT_EQ(int64_t(d["partition"]["ts_day"]), utc_day(entries[i].min_ts_ms));
    std::map<std::int64_t, std::string> values, nulls, lower, upper;
    for (simdjson::dom::element kv : d["value_counts"].get_array()) {
      values[int64_t(kv["key"])] = std::string(std::string_view(kv["value"]));
    }
    for (simdjson::dom::element kv : d["null_value_counts"].get_array()) {
      nulls[int64_t(kv["key"])] = std::string(std::string_view(kv["value"]));
    }
    for (simdjson::dom::element kv : d["lower_bounds"].get_array()) {
      lower[int64_t(kv["key"])] = std::string(std::string_view(kv["value"]));
    }
    for (simdjson::dom::element kv : d["upper_bounds"].get_array()) {
      upper[int64_t(kv["key"])] = std::string(std::string_view(kv["value"]));
    }
    EXPECT_EQ(values.size(), columns.size());
    for (const auto& c : columns) {
      EXPECT_EQ(values[*c.field_id], std::to_string(entries[i].rows)) << c.name;
    }
    // ts: required, bounds are the file's event-time range in microseconds.
    EXPECT_EQ(nulls[ts_id], "0");
    EXPECT_EQ(lower[ts_id], le_hex(entries[i].min_ts_ms * 1000));
    EXPECT_EQ(upper[ts_id], le_hex(entries[i].max_ts_ms * 1000));
  }

  // The manifest list.
  const std::string list_json = testing::read_avro(lake.path(r.files[1].location));
  simdjson::dom::element l = parser.parse(list_json);
  EXPECT_EQ(std::string_view(l["metadata"]["snapshot-id"]), std::to_string(id));
  EXPECT_EQ(std::string_view(l["metadata"]["format-version"]), "2");
  simdjson::dom::element mf = l["schema"];
  EXPECT_EQ(std::string_view(mf["name"]), "manifest_file");
  const std::pair<const char*, std::int64_t> list_ids[] = {
      {"manifest_path", 500},        {"manifest_length", 501},
      {"partition_spec_id", 502},    {"content", 517},
      {"sequence_number", 515},      {"min_sequence_number", 516},
      {"added_snapshot_id", 503},    {"added_files_count", 504},
      {"existing_files_count", 505}, {"deleted_files_count", 506},
      {"added_rows_count", 512},     {"existing_rows_count", 513},
      {"deleted_rows_count", 514},   {"partitions", 507}};
  for (const auto& [name, want] : list_ids) {
    EXPECT_EQ(int64_t(field(mf, name)["field-id"]), want) << name;
  }
  simdjson::dom::element summary = non_null(field(mf, "partitions")["type"]);
  EXPECT_EQ(int64_t(summary["element-id"]), 508);
  EXPECT_EQ(int64_t(field(summary["items"], "contains_null")["field-id"]), 509);
  EXPECT_EQ(int64_t(field(summary["items"], "contains_nan")["field-id"]), 518);
  EXPECT_EQ(int64_t(field(summary["items"], "lower_bound")["field-id"]), 510);
  EXPECT_EQ(int64_t(field(summary["items"], "upper_bound")["field-id"]), 511);
  simdjson::dom::array listed = l["records"];
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(std::string_view(listed.at(0)["manifest_path"]), r.files[0].location);
  EXPECT_EQ(std::string_view(listed.at(0)["manifest_length"]),
            std::to_string(r.files[0].bytes.size()));
  EXPECT_EQ(std::string_view(listed.at(0)["sequence_number"]), "1");
  EXPECT_EQ(int64_t(listed.at(0)["added_files_count"]), static_cast<std::int64_t>(files.size()));
  EXPECT_EQ(std::string_view(listed.at(0)["added_rows_count"]), std::to_string(batch.size()));

  // The table metadata: what a v2 table requires.
  simdjson::dom::element md = parser.parse(r.files[2].bytes);
  EXPECT_EQ(int64_t(md["format-version"]), 2);
  EXPECT_EQ(int64_t(md["last-sequence-number"]), 1);
  EXPECT_EQ(int64_t(md["current-snapshot-id"]), id);
  EXPECT_EQ(int64_t(md["refs"]["main"]["snapshot-id"]), id);
  EXPECT_EQ(int64_t(md["last-column-id"]), static_cast<std::int64_t>(columns.size()));
  EXPECT_EQ(int64_t(md["partition-specs"].at(0)["fields"].at(0)["source-id"]), ts_id);
  EXPECT_EQ(std::string_view(md["schemas"].at(0)["fields"].at(ts_id - 1)["type"]), "timestamptz");
  EXPECT_EQ(r.files[3].path, "metadata/version-hint.text");
  EXPECT_EQ(r.files[3].bytes, "1");
}

TEST(IcebergTable, CommitsAreDeterministicAndMetadataRoundTrips) {
  TestLake lake("determinism");
  const IcebergTable table = table_for(event::Stream::kAuth);
  testing::RandomBatchOptions o;
  o.rows = 200;
  const std::vector<DataFile> files =
      write_batch(lake, testing::random_batch(event::Stream::kAuth, 44, o), "batch-d");
  const CommitResult a = table.commit_append(std::nullopt, files, {7, 1'000}, lake.reader());
  const CommitResult b = table.commit_append(std::nullopt, files, {7, 1'000}, lake.reader());
  ASSERT_EQ(a.files.size(), b.files.size());
  for (std::size_t i = 0; i < a.files.size(); ++i) {
    EXPECT_EQ(a.files[i].location, b.files[i].location);
    EXPECT_EQ(a.files[i].bytes, b.files[i].bytes) << a.files[i].path;
  }
  lake.put_all(a);
  const TableState parsed = IcebergTable::parse_state(a.files[2].bytes, a.state.metadata_location);
  EXPECT_EQ(parsed.metadata, a.state.metadata);
  EXPECT_EQ(parsed.version, 1);
  EXPECT_EQ(table_metadata_json(parsed.metadata), a.files[2].bytes);
  // Our own reader gets back what was written.
  EXPECT_EQ(read_manifest(a.files[0].bytes).front().file, files.front());
  EXPECT_THROW(IcebergTable::parse_state(a.files[2].bytes, "s3://lake/x/metadata/current.json"),
               std::invalid_argument);
  // A commit stamped before the table's last update (a clock behind) keeps the log ascending.
  const std::vector<DataFile> more =
      write_batch(lake, testing::random_batch(event::Stream::kAuth, 47, o), "batch-d2");
  const CommitResult c = table.commit_append(parsed, more, {8, 500}, lake.reader());
  EXPECT_EQ(c.state.metadata.snapshots.back().timestamp_ms, 1'000);
  EXPECT_EQ(c.state.metadata.last_updated_ms, 1'000);
  ASSERT_EQ(c.state.metadata.metadata_log.size(), 1u);
  EXPECT_EQ(c.state.metadata.metadata_log[0].metadata_file, a.state.metadata_location);
  EXPECT_EQ(c.state.version, 2);
}

TEST(IcebergTable, RefusesCommitsThatWouldLoseOrDoubleRows) {
  TestLake lake("refusals");
  const event::Stream stream = event::Stream::kStatusChange;
  const IcebergTable table = table_for(stream);
  testing::RandomBatchOptions o;
  o.rows = 300;
  const std::vector<DataFile> files =
      write_batch(lake, testing::random_batch(stream, 45, o), "batch-r");
  ASSERT_GE(files.size(), 2u);
  EXPECT_THROW(table.commit_append(std::nullopt, {}, {1, 1}, lake.reader()), std::invalid_argument);
  DataFile outside = files[0];
  outside.path = "s3://elsewhere/x.parquet";
  EXPECT_THROW(table.commit_append(std::nullopt, std::vector{outside}, {1, 1}, lake.reader()),
               std::invalid_argument);
  const CommitResult r = table.commit_append(std::nullopt, files, {1, 1'000}, lake.reader());
  lake.put_all(r);
  // The same snapshot id again (a replayed commit applied on top of itself).
  EXPECT_THROW(table.commit_append(r.state, files, {1, 2'000}, lake.reader()),
               std::invalid_argument);
  // Replacing a file the table does not have, or with a different number of records.
  DataFile merged = files[0];
  merged.path = table.location() + "/event_date=x/part-compact-0.parquet";
  merged.record_count = files[0].record_count + files[1].record_count;
  const std::string missing = table.location() + "/nope.parquet";
  EXPECT_THROW(table.commit_replace(r.state, std::vector{missing}, std::vector{merged}, {2, 2'000},
                                    lake.reader()),
               std::invalid_argument);
  EXPECT_THROW(table.commit_replace(r.state, std::vector{files[0].path}, std::vector{merged},
                                    {2, 2'000}, lake.reader()),
               std::invalid_argument);
  EXPECT_NO_THROW(table.commit_replace(r.state, std::vector{files[0].path, files[1].path},
                                       std::vector{merged}, {2, 2'000}, lake.reader()));
  // A table definition whose schema differs from the committed one.
  std::vector<parquet::ColumnSpec> other = silver_columns(stream);
  other.back().name = "renamed";
  const IcebergTable changed({table.location(), r.state.metadata.table_uuid, other, {}});
  EXPECT_THROW(changed.commit_append(r.state, files, {3, 3'000}, lake.reader()),
               std::invalid_argument);
}

TEST(SilverParquet, FieldIdsMicrosecondTimestampsAndMetrics) {
  const event::Stream stream = event::Stream::kListen;
  testing::RandomBatchOptions o;
  o.rows = 500;
  const event::EventBatch batch = testing::random_batch(stream, 46, o);
  const std::vector<parquet::ColumnSpec> columns = silver_columns(stream);
  parquet::WriterOptions wo;
  wo.row_group_rows = 150;
  parquet::ParquetFileWriter writer(columns, wo);
  SilverColumnInputs inputs(batch);
  std::vector<std::uint32_t> rows(batch.size());
  for (std::uint32_t r = 0; r < rows.size(); ++r) rows[r] = r;
  writer.write_rows(inputs.inputs(), rows);
  const std::string file = writer.finish({});
  const parquet::FileMetrics metrics = writer.metrics();
  EXPECT_EQ(metrics.row_group_offsets.size(), 4u);
  // Read back: events keep their milliseconds.
  const event::EventBatch back = read_silver_file(file, stream);
  EXPECT_EQ(back.column(event::Field::kTs).i64, batch.column(event::Field::kTs).i64);

  const std::string path = testing::temp_dir("silver") + "/f.parquet";
  testing::write_file(path, file);
  simdjson::dom::parser parser;
  const std::string meta_json = testing::parquet_metadata_json(path);
  simdjson::dom::element meta = parser.parse(meta_json);
  simdjson::dom::array schema = meta["schema"];
  ASSERT_EQ(schema.size(), columns.size() + 1);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    simdjson::dom::element e = schema.at(i + 1);
    EXPECT_EQ(int64_t(e["field_id"]), static_cast<std::int64_t>(i + 1)) << columns[i].name;
    if (columns[i].logical == parquet::LogicalType::kTimestampMicrosUtc) {
      EXPECT_EQ(std::string_view(e["logical_type"]["unit"]), "MICROS") << columns[i].name;
      EXPECT_TRUE(bool(e["logical_type"]["isAdjustedToUTC"])) << columns[i].name;
    }
  }
  // Metrics: counts from the batch, ts bounds its range in microseconds.
  const auto& ts = batch.column(event::Field::kTs).i64;
  const auto [lo, hi] = std::minmax_element(ts.begin(), ts.end());
  for (std::size_t i = 0; i < columns.size(); ++i) {
    EXPECT_EQ(metrics.columns[i].values, static_cast<std::int64_t>(batch.size())) << i;
    EXPECT_GT(metrics.columns[i].compressed_bytes, 0) << i;
  }
  const std::size_t ts_index = static_cast<std::size_t>(
      std::find_if(columns.begin(), columns.end(), [](const auto& c) { return c.name == "ts"; }) -
      columns.begin());
  const parquet::ColumnMetrics& m = metrics.columns[ts_index];
  ASSERT_TRUE(m.has_bounds);
  std::int64_t min = 0, max = 0;
  std::memcpy(&min, m.min.data(), 8);
  std::memcpy(&max, m.max.data(), 8);
  EXPECT_EQ(min, *lo * 1000);
  EXPECT_EQ(max, *hi * 1000);
  const std::size_t extra_index = columns.size() - 1;
  std::int64_t extra_nulls = 0;
  for (std::size_t r = 0; r < batch.size(); ++r) extra_nulls += batch.extra().is_valid(r) ? 0 : 1;
  EXPECT_EQ(metrics.columns[extra_index].nulls, extra_nulls);
}

}  // namespace
}  // namespace tributary::lake::iceberg
