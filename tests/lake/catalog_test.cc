// `tributary catalog`'s output over silver Iceberg tables built with the format layer
// (IcebergTable::commit_append, files put into a FileStore directory standing for the bucket
// s3://lake-bucket): the Athena script registers each table's current metadata file in Glue, run
// by sh with a stand-in `aws` that records its arguments (no AWS here); the DuckDB views'
// iceberg_scan location is read by icebird, an independent Iceberg reader (DuckDB's iceberg
// extension cannot be installed without network), and the fallback read_parquet views by DuckDB.
#include "lake/catalog.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "lake/iceberg/glue_table.h"
#include "lake/iceberg/silver_tables.h"
#include "lake/silver_schema.h"
#include "lake/silver_table_writer.h"
#include "lake_test_support.h"
#include "store/open_store.h"

namespace tributary::lake {
namespace {

constexpr std::string_view kLake = "s3://lake-bucket";

struct IcebergLake {
  std::string dir = testing::temp_dir("catalog");
  std::unique_ptr<store::ObjectStore> store = store::open_store("file://" + dir);

  static std::string key(const std::string& uri) { return uri.substr(kLake.size() + 1); }

  // Writes `batch` as silver files and commits them to the stream's Iceberg table.
  void commit(const event::EventBatch& batch, const std::string& batch_id) {
    std::vector<iceberg::DataFile> files;
    SilverWriteOptions options;
    options.threads = 1;
    options.on_file = [&](const ManifestEntry& e, const parquet::FileMetrics& metrics) {
      files.push_back(iceberg::silver_data_file(kLake, e, batch.stream(), metrics));
    };
    manifest_entries_ = SilverTableWriter(*store, options).write(batch, batch_id);
    const iceberg::IcebergTable table = iceberg::silver_table(kLake, batch.stream());
    auto& current = states_[batch.stream()];
    const iceberg::CommitResult r = table.commit_append(
        current, files, {iceberg::snapshot_id_for(batch_id), 1'000},
        [&](const std::string& location) { return store->get(key(location)).body; });
    for (const iceberg::OutputFile& f : r.files) store->put(key(f.location), f.bytes, {});
    current = r.state;
  }

  std::vector<ManifestEntry> manifest_entries_;
  std::map<event::Stream, std::optional<iceberg::TableState>> states_;
};

std::string run(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return "popen failed";
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = pclose(p);
  EXPECT_EQ(status, 0) << command << ": " << out;
  return out;
}

TEST(IcebergCatalog, VersionsComeFromTheHintsAndTheMetadataFiles) {
  IcebergLake lake;
  lake.commit(testing::random_batch(event::Stream::kListen, 1), "b1");
  lake.commit(testing::random_batch(event::Stream::kListen, 2), "b2");
  const auto tables = iceberg_table_versions(*lake.store);
  ASSERT_EQ(tables.size(), event::kAllStreams.size());
  EXPECT_EQ(tables[0].stream, event::Stream::kListen);
  EXPECT_EQ(tables[0].version, 2);
  EXPECT_EQ(tables[0].table_location, "s3://lake-bucket/silver/listen_events");
  EXPECT_EQ(tables[0].metadata_location,
            "s3://lake-bucket/silver/listen_events/metadata/v2.metadata.json");
  for (std::size_t i = 1; i < tables.size(); ++i) EXPECT_TRUE(tables[i].metadata_location.empty());

  // A hint that names no readable version is an error naming the file, not an empty table.
  lake.store->put("silver/listen_events/metadata/version-hint.text", "9\n", {});
  try {
    iceberg_table_versions(*lake.store);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("silver/listen_events/metadata/version-hint.text names "
                                         "v9.metadata.json, which cannot be read"),
              std::string::npos)
        << e.what();
  }
  lake.store->put("silver/listen_events/metadata/version-hint.text", "two", {});
  EXPECT_THROW(iceberg_table_versions(*lake.store), std::runtime_error);
}

TEST(IcebergCatalog, AthenaScriptRegistersTheCurrentMetadataInGlue) {
  IcebergLake lake;
  lake.commit(testing::random_batch(event::Stream::kListen, 3), "b1");
  lake.commit(testing::random_batch(event::Stream::kListen, 4), "b2");
  lake.commit(testing::random_batch(event::Stream::kAuth, 5), "b3");
  CatalogInput input{std::string(kLake), iceberg_table_versions(*lake.store), {}, "analytics"};
  const std::string script = catalog_ddl(CatalogDialect::kAthena, input);
  EXPECT_NE(script.find("# page_view_events: no Iceberg metadata yet (silver/page_view_events/"
                        "metadata/version-hint.text is missing)"),
            std::string::npos)
      << script;
  EXPECT_NE(script.find("#   SELECT count(*) FROM \"analytics\".\"auth_events\";"),
            std::string::npos);
  EXPECT_EQ(script.find("SELECT count(*) FROM \"analytics\".\"page_view_events\""),
            std::string::npos);

  // sh runs it; a stand-in `aws` records each call's arguments, one per line.
  const std::string bin = lake.dir + "/bin";
  std::filesystem::create_directories(bin);
  testing::write_file(bin + "/aws", "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
  std::filesystem::permissions(bin + "/aws", std::filesystem::perms::owner_all);
  testing::write_file(lake.dir + "/register.sh", script);
  const std::string calls = run("PATH=" + bin + ":$PATH sh " + lake.dir + "/register.sh");
  std::vector<std::string> args;
  std::istringstream lines(calls);
  for (std::string line; std::getline(lines, line);) args.push_back(line);
  ASSERT_EQ(args.size(), 12u) << calls;  // two tables, create-table each (which "succeeds")
  EXPECT_EQ(args[0], "glue");
  EXPECT_EQ(args[1], "create-table");
  EXPECT_EQ(args[3], "analytics");
  EXPECT_EQ(args[4], "--table-input");
  simdjson::dom::parser parser;
  simdjson::dom::element t = parser.parse(args[5]);
  EXPECT_EQ(std::string_view(t["Name"]), "listen_events");
  EXPECT_EQ(std::string_view(t["TableType"]), "EXTERNAL_TABLE");
  EXPECT_EQ(std::string_view(t["Parameters"]["table_type"]), "ICEBERG");
  EXPECT_EQ(std::string_view(t["Parameters"]["metadata_location"]),
            "s3://lake-bucket/silver/listen_events/metadata/v2.metadata.json");
  EXPECT_EQ(std::string_view(t["StorageDescriptor"]["Location"]),
            "s3://lake-bucket/silver/listen_events");
  EXPECT_EQ(simdjson::dom::array(t["StorageDescriptor"]["Columns"]).size(),
            silver_columns(event::Stream::kListen).size());
  t = parser.parse(args[11]);
  EXPECT_EQ(std::string_view(t["Parameters"]["metadata_location"]),
            "s3://lake-bucket/silver/auth_events/metadata/v1.metadata.json");

  input.lake_uri = "file:///tmp/lake";
  EXPECT_THROW(catalog_ddl(CatalogDialect::kAthena, input), std::invalid_argument);
}

TEST(IcebergCatalog, DuckDBViewsScanTheTablesAndFallBackToParquet) {
  IcebergLake lake;
  const event::EventBatch b1 = testing::random_batch(event::Stream::kListen, 6);
  const event::EventBatch b2 = testing::random_batch(event::Stream::kListen, 7);
  lake.commit(b1, "b1");
  std::vector<ManifestEntry> committed = lake.manifest_entries_;
  lake.commit(b2, "b2");
  committed.insert(committed.end(), lake.manifest_entries_.begin(), lake.manifest_entries_.end());
  const CatalogInput input{std::string(kLake), iceberg_table_versions(*lake.store), committed};
  const std::string sql = catalog_ddl(CatalogDialect::kDuckDB, input);
  EXPECT_TRUE(sql.find("\nINSTALL iceberg;\nLOAD iceberg;\n") != std::string::npos) << sql;
  EXPECT_NE(sql.find("-- auth_events: no Iceberg metadata yet"), std::string::npos) << sql;
  EXPECT_NE(sql.find("\n-- CREATE OR REPLACE VIEW \"listen_events\" AS SELECT * FROM "
                     "read_parquet('s3://lake-bucket/silver/listen_events/event_date=*/*.parquet',"
                     " hive_partitioning = true);\n"),
            std::string::npos)
      << sql;
  const std::regex kView(
      R"re(\nCREATE OR REPLACE VIEW "(\w+)" AS SELECT \* FROM iceberg_scan\('([^']+)'\);)re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(sql, m, kView)) << sql;
  EXPECT_EQ(m[1].str(), "listen_events");
  EXPECT_EQ(m[2].str(), "s3://lake-bucket/silver/listen_events");
  EXPECT_EQ(std::distance(std::sregex_iterator(sql.begin(), sql.end(), kView), {}), 1);
  // What the view scans: the table as an independent reader finds it through version-hint.text.
  const testing::IcebergRead read = testing::read_iceberg(lake.dir, m[2].str());
  EXPECT_EQ(read.icebird.rows.size(), b1.size() + b2.size());

  // The fallback views run in DuckDB over a file:// lake's directory.
  const std::string views = duckdb_parquet_views("file://" + lake.dir, committed);
  EXPECT_EQ(testing::duckdb_query({views, "SELECT count(*)::VARCHAR AS n FROM listen_events"}),
            R"([{"n":")" + std::to_string(b1.size() + b2.size()) + R"("}])");
  EXPECT_THROW(duckdb_parquet_views("http://x", committed), std::invalid_argument);
}

}  // namespace
}  // namespace tributary::lake
