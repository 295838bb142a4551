#include "lake_test_support.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "event/event_key.h"
#include "event/schema.h"

namespace tributary::lake::testing {
namespace {

std::string format_double(double d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

std::string random_string(std::mt19937_64& rng, const RandomBatchOptions& o, std::size_t row) {
  static const char* const kPieces[] = {"a", "Zz", "é", "ü", "日本", "😀", " ", "\"", "\\", "x y"};
  if (o.long_string_every != 0 && row % o.long_string_every == o.long_string_every - 1) {
    std::string s;
    const std::size_t n = 5000 + rng() % 15000;
    while (s.size() < n) s += kPieces[rng() % 10];
    return s;
  }
  const std::size_t pick = rng() % (o.distinct_strings + 1);
  if (pick == 0) return "";
  std::string s = "v" + std::to_string(pick);
  s += kPieces[pick % 10];
  return s;
}

// Quotes `argument` for /bin/sh.
std::string shell_quote(const std::string& argument) {
  std::string q = "'";
  for (char c : argument) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

std::string run_node(const std::string& script, const std::vector<std::string>& args) {
  std::string cmd =
      shell_quote(TRIBUTARY_NODE) + " " + shell_quote(std::string(TRIBUTARY_JS_DIR) + "/" + script);
  for (const std::string& a : args) cmd += " " + shell_quote(a);
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed");
  std::string out;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  const int status = pclose(pipe);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(script + " failed (stderr above)");
  }
  return out;
}

Cell cell_from_json(simdjson::dom::element v) {
  switch (v.type()) {
    case simdjson::dom::element_type::NULL_VALUE:
      return std::nullopt;
    case simdjson::dom::element_type::STRING:
      return std::string(std::string_view(v));
    case simdjson::dom::element_type::BOOL:
      return bool(v) ? "true" : "false";
    case simdjson::dom::element_type::INT64:
      return format_double(static_cast<double>(std::int64_t(v)));
    case simdjson::dom::element_type::UINT64:
      return format_double(static_cast<double>(std::uint64_t(v)));
    case simdjson::dom::element_type::DOUBLE:
      return format_double(double(v));
    default:
      throw std::runtime_error("unexpected JSON value from the reader");
  }
}

}  // namespace

event::EventBatch random_batch(event::Stream stream, std::uint64_t seed,
                               const RandomBatchOptions& o) {
  std::mt19937_64 rng(seed);
  event::EventBatch batch(stream);
  std::vector<std::uint32_t> sources;
  for (int i = 0; i < 3; ++i) {
    sources.push_back(batch.add_source("Raw/" + std::string(event::stream_name(stream)) +
                                       "/2024010" + std::to_string(i) + "_" +
                                       std::to_string(seed % 100) + ".json"));
  }
  const auto fields = batch.fields();
  std::vector<event::FieldValue> values(fields.size());
  std::vector<std::string> strings(fields.size());
  auto chance = [&](double p) { return static_cast<double>(rng() % 1'000'000) < p * 1e6; };
  for (std::size_t row = 0; row < o.rows; ++row) {
    std::int64_t ts = 0;
    std::int64_t session = 0;
    std::int64_t item = 0;
    std::optional<std::int64_t> user;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const event::StreamField& f = fields[i];
      event::FieldValue& v = values[i];
      v = {};
      v.present = f.required() || !chance(o.null_rate);
      if (!v.present) continue;
      switch (f.info().type) {
        case event::FieldType::kString:
          // `level` keeps its rule (free or paid): a real low-cardinality column.
          strings[i] = f.info().rule == event::ValueRule::kLevel ? ((rng() & 1) ? "paid" : "free")
                                                                 : random_string(rng, o, row);
          v.s = strings[i];
          break;
        case event::FieldType::kInt32:
          v.i = static_cast<std::int64_t>(rng() % 600);
          break;
        case event::FieldType::kInt64:
          v.i = chance(0.05) ? INT64_MAX - static_cast<std::int64_t>(rng() % 10)
                             : static_cast<std::int64_t>(rng() % 5000);
          break;
        case event::FieldType::kDouble:
          v.d = chance(0.05) ? -0.0 : static_cast<double>(rng() % 3'600'000) / 1e4 - 90.0;
          break;
        case event::FieldType::kBool:
          v.b = (rng() & 1) != 0;
          break;
        case event::FieldType::kTimestampMs:
          v.i = o.ts_start +
                static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(o.ts_span_ms));
          break;
      }
      if (f.field == event::Field::kTs) ts = v.i;
      if (f.field == event::Field::kSessionId) session = v.i;
      if (f.field == event::Field::kItemInSession) item = v.i;
      if (f.field == event::Field::kUserId) user = v.i;
    }
    std::string extra;
    if (!chance(o.null_rate)) extra = R"({"n":)" + std::to_string(row) + R"(,"s":"é😀"})";
    batch.append(values, extra, event::compute_event_key(stream, ts, session, item, user),
                 sources[rng() % sources.size()]);
  }
  return batch;
}

Rows expected_silver_rows(const event::EventBatch& batch, const std::vector<std::uint32_t>& rows) {
  std::vector<std::uint32_t> all;
  const std::vector<std::uint32_t>* selection = &rows;
  if (rows.empty()) {
    for (std::uint32_t r = 0; r < batch.size(); ++r) all.push_back(r);
    selection = &all;
  }
  Rows out;
  for (std::uint32_t r : *selection) {
    std::vector<Cell> row;
    for (std::size_t i = 0; i < batch.fields().size(); ++i) {
      const event::Column& c = batch.column(i);
      if (!c.is_valid(r)) {
        row.emplace_back(std::nullopt);
        continue;
      }
      switch (c.type) {
        case event::FieldType::kString:
          row.emplace_back(std::string(c.str.at(r)));
          break;
        case event::FieldType::kInt32:
          row.emplace_back(std::to_string(c.i32[r]));
          break;
        case event::FieldType::kInt64:
        case event::FieldType::kTimestampMs:
          row.emplace_back(std::to_string(c.i64[r]));
          break;
        case event::FieldType::kDouble:
          // JSON has no negative zero (JavaScript prints -0 as 0), so the readers' -0.0 arrives
          // as 0; the bit pattern is checked by the statistics test instead.
          row.emplace_back(format_double(c.f64[r] == 0.0 ? 0.0 : c.f64[r]));
          break;
        case event::FieldType::kBool:
          row.emplace_back(c.b[r] != 0 ? "true" : "false");
          break;
      }
    }
    row.emplace_back(batch.keys()[r].hex());
    row.emplace_back(std::string(batch.source_key(r)));
    if (batch.extra().is_valid(r)) {
      row.emplace_back(std::string(batch.extra().str.at(r)));
    } else {
      row.emplace_back(std::nullopt);
    }
    out.push_back(std::move(row));
  }
  return out;
}

void expect_rows_equal(const Rows& actual, const Rows& expected, const std::string& context) {
  ASSERT_EQ(actual.size(), expected.size()) << context;
  for (std::size_t r = 0; r < expected.size(); ++r) {
    ASSERT_EQ(actual[r].size(), expected[r].size()) << context << " row " << r;
    for (std::size_t c = 0; c < expected[r].size(); ++c) {
      ASSERT_EQ(actual[r][c], expected[r][c]) << context << " row " << r << " column " << c;
    }
  }
}

static Table table_from_json(simdjson::dom::element doc) {
  Table t;
  for (simdjson::dom::element c : doc["columns"].get_array()) {
    t.columns.emplace_back(std::string_view(c));
  }
  for (simdjson::dom::element row : doc["rows"].get_array()) {
    std::vector<Cell> cells;
    for (simdjson::dom::element v : row.get_array()) cells.push_back(cell_from_json(v));
    t.rows.push_back(std::move(cells));
  }
  return t;
}

Table read_parquet(const std::string& reader, const std::string& path) {
  const std::string json = run_node("read_parquet.mjs", {reader, path});
  simdjson::dom::parser parser;
  return table_from_json(parser.parse(json));
}

IcebergRead read_iceberg(const std::string& lake_dir, const std::string& table_uri,
                         const std::string& metadata_file) {
  std::vector<std::string> args = {lake_dir, table_uri};
  if (!metadata_file.empty()) args.push_back(metadata_file);
  const std::string json = run_node("iceberg_read.mjs", args);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(json);
  IcebergRead out;
  out.icebird = table_from_json(doc["icebird"]);
  out.duckdb = table_from_json(doc["duckdb"]);
  for (simdjson::dom::element f : doc["data_files"].get_array()) {
    out.data_files.emplace_back(std::string_view(f));
  }
  return out;
}

std::string parquet_metadata_json(const std::string& path) {
  return run_node("read_parquet.mjs", {"metadata", path});
}

std::string parquet_page_index_json(const std::string& path, const std::string& column) {
  return run_node("read_parquet.mjs", {"pageindex", path, column});
}

std::string duckdb_query(const std::vector<std::string>& statements) {
  return run_node("duckdb_query.mjs", statements);
}

std::string read_avro(const std::string& path) {
  return run_node("read_avro.mjs", {path});
}

std::string temp_dir(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string id = std::string(info->test_suite_name()) + "." + info->name() + "." + name;
  for (char& c : id) {
    if (c == '/') c = '_';
  }
  std::string dir = std::string(TRIBUTARY_TEST_TMP) + "/" + id + "." + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!f) throw std::runtime_error("cannot write " + path);
}

}  // namespace tributary::lake::testing
