// Silver Parquet files read back by two independent readers (DuckDB and hyparquet, from npm):
// every type, nulls, empty, unicode and long strings, many row groups and pages, dictionary
// fallback, each codec. Values read back must equal the values written.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <string>
#include <tuple>

#include "lake/parquet/file_writer.h"
#include "lake/silver_schema.h"
#include "lake_test_support.h"

namespace tributary::lake {
namespace {

using parquet::CompressionCodec;
using parquet::ParquetFileWriter;
using parquet::WriterOptions;
using testing::read_parquet;

std::string write_silver(const event::EventBatch& batch, const WriterOptions& options,
                         const std::vector<std::uint32_t>& rows = {}) {
  ParquetFileWriter writer(silver_columns(batch.stream()), options);
  SilverColumnInputs inputs(batch);
  std::vector<std::uint32_t> all;
  for (std::uint32_t r = 0; r < batch.size(); ++r) all.push_back(r);
  writer.write_rows(inputs.inputs(), rows.empty() ? all : rows);
  return writer.finish({{"tributary.test", "yes"}});
}

void expect_reads_back(const std::string& reader, const std::string& path,
                       const event::EventBatch& batch,
                       const std::vector<std::uint32_t>& rows = {}) {
  const testing::Table table = read_parquet(reader, path);
  std::vector<std::string> names;
  for (const auto& c : silver_columns(batch.stream())) names.push_back(c.name);
  EXPECT_EQ(table.columns, names) << reader;
  const testing::Rows expected = testing::expected_silver_rows(batch, rows);
  ASSERT_EQ(table.rows.size(), expected.size()) << reader;
  for (std::size_t r = 0; r < expected.size(); ++r) {
    for (std::size_t c = 0; c < names.size(); ++c) {
      ASSERT_EQ(table.rows[r][c], expected[r][c])
          << reader << " row " << r << " column " << names[c];
    }
  }
}

class EveryStreamAndCodec
    : public ::testing::TestWithParam<std::tuple<event::Stream, CompressionCodec>> {};

TEST_P(EveryStreamAndCodec, BothReadersSeeEveryValueWritten) {
  const auto [stream, codec] = GetParam();
  testing::RandomBatchOptions batch_options;
  batch_options.rows = 2500;
  const event::EventBatch batch = testing::random_batch(stream, 7, batch_options);
  WriterOptions options;
  options.codec = codec;
  options.row_group_rows = 1000;  // three row groups, the last one partial
  options.page_rows = 300;        // several pages per chunk
  const std::string dir = testing::temp_dir("rt");
  const std::string path = dir + "/batch.parquet";
  testing::write_file(path, write_silver(batch, options));
  expect_reads_back("duckdb", path, batch);
  expect_reads_back("hyparquet", path, batch);
}

INSTANTIATE_TEST_SUITE_P(
    Silver, EveryStreamAndCodec,
    ::testing::Combine(::testing::Values(event::Stream::kListen, event::Stream::kPageView,
                                         event::Stream::kAuth, event::Stream::kStatusChange),
                       ::testing::Values(CompressionCodec::kZstd, CompressionCodec::kSnappy,
                                         CompressionCodec::kUncompressed)),
    [](const auto& param_info) {
      return std::string(event::stream_name(std::get<0>(param_info.param))) + "_" +
             std::string(parquet::codec_name(std::get<1>(param_info.param)));
    });

TEST(ParquetRoundTrip, RowSelectionWritesOnlyThoseRowsInThatOrder) {
  const event::EventBatch batch = testing::random_batch(event::Stream::kListen, 11);
  std::vector<std::uint32_t> rows;
  for (std::uint32_t r = 0; r < batch.size(); r += 3) rows.push_back(r);
  const std::string path = testing::temp_dir("sel") + "/sel.parquet";
  testing::write_file(path, write_silver(batch, {}, rows));
  expect_reads_back("duckdb", path, batch, rows);
  expect_reads_back("hyparquet", path, batch, rows);
}

TEST(ParquetRoundTrip, DictionaryFallsBackToPlainAndValuesSurvive) {
  testing::RandomBatchOptions batch_options;
  batch_options.rows = 4000;
  batch_options.distinct_strings = 3000;  // far more distinct strings than the limit holds
  batch_options.long_string_every = 0;
  const event::EventBatch batch = testing::random_batch(event::Stream::kPageView, 3, batch_options);
  WriterOptions options;
  options.page_rows = 100;
  options.dictionary_bytes_limit = 2048;
  const std::string path = testing::temp_dir("dict") + "/dict.parquet";
  testing::write_file(path, write_silver(batch, options));
  expect_reads_back("duckdb", path, batch);
  expect_reads_back("hyparquet", path, batch);

  // Page kinds per chunk of the first row group, from hyparquet's reading of the footer: `artist`
  // began with a dictionary and fell back to PLAIN; `level` (two values) kept its dictionary;
  // `event_key` never uses one.
  simdjson::dom::parser parser;
  const std::string metadata = testing::parquet_metadata_json(path);
  simdjson::dom::element doc = parser.parse(metadata);
  std::map<std::string, std::string> pages;
  for (simdjson::dom::element chunk : doc["row_groups"].at(0)["columns"].get_array()) {
    simdjson::dom::element meta = chunk["meta_data"];
    std::string kinds;
    for (simdjson::dom::element e : meta["encoding_stats"].get_array()) {
      kinds += std::string(std::string_view(e["page_type"])) + ":" +
               std::string(std::string_view(e["encoding"])) + "x" +
               std::to_string(int64_t(e["count"])) + " ";
    }
    pages[std::string(std::string_view(meta["path_in_schema"].at(0)))] = kinds;
  }
  EXPECT_TRUE(pages["artist"].starts_with("DICTIONARY_PAGE:PLAINx1 DATA_PAGE:RLE_DICTIONARYx"))
      << pages["artist"];
  EXPECT_NE(pages["artist"].find("DATA_PAGE:PLAINx"), std::string::npos) << pages["artist"];
  EXPECT_EQ(pages["level"], "DICTIONARY_PAGE:PLAINx1 DATA_PAGE:RLE_DICTIONARYx40 ");
  EXPECT_EQ(pages["event_key"], "DATA_PAGE:PLAINx40 ");
}

TEST(ParquetRoundTrip, FallbackAtTheDictionarySizeLimitKeepsFullPages) {
  // Each page repeats 10 values that no earlier page held: the dictionary pays off page by page
  // (the first-page rule keeps it) until its size passes the limit, in the 13th page or so. The
  // rest of the chunk is PLAIN in pages of page_rows values, not one page per value.
  constexpr std::uint32_t kRows = 4000;
  constexpr std::uint32_t kPageRows = 100;
  std::vector<std::uint64_t> offsets{0};
  std::string bytes;
  for (std::uint32_t r = 0; r < kRows; ++r) {
    bytes += "value-" + std::to_string(r / kPageRows) + "-" + std::to_string(r % 10);
    offsets.push_back(bytes.size());
  }
  WriterOptions options;
  options.page_rows = kPageRows;
  options.dictionary_bytes_limit = 2048;
  ParquetFileWriter writer(
      {{"s", parquet::PhysicalType::kByteArray, parquet::LogicalType::kString}}, options);
  parquet::ColumnInput in;
  in.offsets = offsets.data();
  in.bytes = bytes.data();
  std::vector<std::uint32_t> rows(kRows);
  for (std::uint32_t r = 0; r < kRows; ++r) rows[r] = r;
  const parquet::ColumnInput inputs[] = {in};
  writer.write_rows(inputs, rows);
  const std::string path = testing::temp_dir("dictlimit") + "/dictlimit.parquet";
  testing::write_file(path, writer.finish({}));

  for (const std::string reader : {"duckdb", "hyparquet"}) {
    const testing::Table table = read_parquet(reader, path);
    ASSERT_EQ(table.rows.size(), kRows) << reader;
    for (std::uint32_t r = 0; r < kRows; ++r) {
      ASSERT_EQ(table.rows[r][0], bytes.substr(offsets[r], offsets[r + 1] - offsets[r]))
          << reader << " row " << r;
    }
  }
  simdjson::dom::parser parser;
  const std::string metadata = testing::parquet_metadata_json(path);
  simdjson::dom::element doc = parser.parse(metadata);
  std::int64_t dictionary_pages = 0;
  std::int64_t plain_pages = 0;
  for (simdjson::dom::element e :
       doc["row_groups"].at(0)["columns"].at(0)["meta_data"]["encoding_stats"].get_array()) {
    const std::string_view kind = e["encoding"];
    if (std::string_view(e["page_type"]) != "DATA_PAGE") continue;
    (kind == "PLAIN" ? plain_pages : dictionary_pages) += int64_t(e["count"]);
  }
  EXPECT_GT(dictionary_pages, 1);
  EXPECT_GT(plain_pages, 0);
  // The page that crossed the limit closes early; every later page is full.
  EXPECT_LE(dictionary_pages + plain_pages, kRows / kPageRows + 1);
}

TEST(ParquetRoundTrip, EmptyFileHasSchemaAndNoRows) {
  const event::EventBatch batch(event::Stream::kAuth);
  const std::string path = testing::temp_dir("empty") + "/empty.parquet";
  testing::write_file(path, write_silver(batch, {}));
  expect_reads_back("duckdb", path, batch);
  expect_reads_back("hyparquet", path, batch);
}

TEST(ParquetRoundTrip, SameInputGivesIdenticalBytes) {
  const event::EventBatch batch = testing::random_batch(event::Stream::kListen, 5);
  EXPECT_EQ(write_silver(batch, {}), write_silver(batch, {}));
}

TEST(ParquetRoundTrip, NullInRequiredColumnIsRejected) {
  ParquetFileWriter writer({{"x", parquet::PhysicalType::kInt64}}, {});
  const std::int64_t values[] = {1, 2};
  const std::uint8_t valid[] = {1, 0};
  parquet::ColumnInput in;
  in.i64 = values;
  in.valid = valid;
  const std::uint32_t rows[] = {0, 1};
  const parquet::ColumnInput inputs[] = {in};
  EXPECT_THROW(writer.write_rows(inputs, rows), std::invalid_argument);
}

TEST(ParquetRoundTrip, InputOfTheWrongTypeIsRejected) {
  ParquetFileWriter writer({{"x", parquet::PhysicalType::kDouble}}, {});
  const std::int64_t values[] = {1};
  parquet::ColumnInput in;
  in.i64 = values;
  const std::uint32_t rows[] = {0};
  const parquet::ColumnInput inputs[] = {in};
  EXPECT_THROW(writer.write_rows(inputs, rows), std::invalid_argument);
}

TEST(ParquetRoundTrip, InvalidSchemasAreRejected) {
  EXPECT_THROW(ParquetFileWriter({}, {}), std::invalid_argument);
  EXPECT_THROW(
      ParquetFileWriter(
          {{"a", parquet::PhysicalType::kInt32}, {"a", parquet::PhysicalType::kInt32}}, {}),
      std::invalid_argument);
  EXPECT_THROW(
      ParquetFileWriter({{"a", parquet::PhysicalType::kInt32, parquet::LogicalType::kString}}, {}),
      std::invalid_argument);
}

}  // namespace
}  // namespace tributary::lake
