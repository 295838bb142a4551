// Shared by the warehouse tests: batches decoded from the real samples or from JSON written in
// the test, and a fresh, empty database of either dialect per call.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "event/decoder.h"
#include "test_support.h"
#include "warehouse/postgres_connection.h"
#include "warehouse/warehouse.h"
#include "warehouse/warehouse_uri.h"

namespace tributary::testing {

inline event::EventBatch decode_text(event::Stream stream, std::string_view text,
                                     std::string_view source = "test.json") {
  event::ObjectDecoder decoder(stream);
  event::EventBatch batch(stream);
  std::vector<event::QuarantineRecord> quarantine;
  decoder.decode(source, text, batch, quarantine);
  EXPECT_TRUE(quarantine.empty()) << quarantine.front().reason << ": " << quarantine.front().line;
  return batch;
}

inline event::EventBatch decode_sample(event::Stream stream, std::string_view file) {
  return decode_text(stream, test_data(file), file);
}

// Rows [begin, end) of `batch` as a batch of their own.
inline event::EventBatch slice(const event::EventBatch& batch, std::size_t begin, std::size_t end) {
  event::EventBatch out(batch.stream());
  for (std::size_t row = begin; row < end && row < batch.size(); ++row) out.append_row(batch, row);
  return out;
}

// The URI of the test PostgreSQL server the CTest fixture started (tests/fixtures/postgres.sh).
inline std::string postgres_server_uri() {
  std::ifstream in(std::string(TRIBUTARY_PG_STATE) + "/postgres.uri");
  std::string uri;
  if (!std::getline(in, uri)) {
    throw std::runtime_error("no " TRIBUTARY_PG_STATE
                             "/postgres.uri: run through ctest (fixture warehouse.postgres.start)");
  }
  return uri;
}

// A fresh empty database of `dialect`, dropped (PostgreSQL) or deleted (SQLite) at destruction.
class ScratchDatabase {
 public:
  explicit ScratchDatabase(warehouse::Dialect dialect) : dialect_(dialect) {
    std::random_device rd;
    const std::string name = "t" + std::to_string(getpid()) + "_" + std::to_string(rd() % 1000000);
    if (dialect == warehouse::Dialect::kSqlite) {
      dir_ = std::filesystem::temp_directory_path() / ("tributary-wh-" + name);
      std::filesystem::create_directories(dir_);
      uri_ = "sqlite://" + (dir_ / "warehouse.db").string();
      return;
    }
    server_ = postgres_server_uri();
    admin_ =
        std::make_unique<warehouse::PostgresConnection>(warehouse::parse_warehouse_uri(server_));
    db_name_ = name;
    admin_->execute_script("CREATE DATABASE " + db_name_);
    uri_ = server_.substr(0, server_.rfind('/') + 1) + db_name_;
  }
  ~ScratchDatabase() {
    if (dialect_ == warehouse::Dialect::kSqlite) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    } else {
      try {
        admin_->execute_script("DROP DATABASE IF EXISTS " + db_name_ + " WITH (FORCE)");
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    }
  }
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  const std::string& uri() const { return uri_; }
  std::unique_ptr<warehouse::Warehouse> open() const { return warehouse::Warehouse::open(uri_); }

 private:
  warehouse::Dialect dialect_;
  std::filesystem::path dir_;
  std::string server_;
  std::string db_name_;
  std::unique_ptr<warehouse::PostgresConnection> admin_;
  std::string uri_;
};

inline std::string dialect_name(const ::testing::TestParamInfo<warehouse::Dialect>& info) {
  return info.param == warehouse::Dialect::kSqlite ? "Sqlite" : "Postgres";
}

// One value from a single-row, single-column query.
inline std::string scalar(warehouse::SqlConnection& db, std::string_view sql) {
  const auto rows = db.query(sql);
  if (rows.size() != 1 || rows[0].size() != 1)
    throw std::runtime_error("not a scalar: " + std::string(sql));
  return rows[0][0].value_or("NULL");
}

// SQL for a time column as milliseconds since 1970: PostgreSQL keeps times as timestamptz,
// SQLite as those milliseconds.
inline std::string epoch_ms(warehouse::Dialect dialect, std::string_view column) {
  if (dialect == warehouse::Dialect::kSqlite) return std::string(column);
  return "(extract(epoch FROM " + std::string(column) + ") * 1000)::bigint";
}

// SQL for the event key `key_sql` (32 hex digits) as the facts store it.
inline std::string fact_key(warehouse::Dialect dialect, std::string_view key_sql) {
  if (dialect == warehouse::Dialect::kSqlite) return "unhex(" + std::string(key_sql) + ")";
  return std::string(key_sql) + "::uuid";
}

inline std::int64_t count(warehouse::SqlConnection& db, std::string_view table) {
  return std::stoll(scalar(db, "SELECT count(*) FROM " + std::string(table)));
}

}  // namespace tributary::testing
