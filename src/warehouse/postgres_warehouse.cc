#include "warehouse/postgres_warehouse.h"

#include <set>

#include "warehouse/calendar.h"
#include "warehouse/postgres_copy_writer.h"
#include "warehouse/staging.h"

namespace tributary::warehouse {
namespace {

std::string_view fact_table(event::Stream stream) {
  switch (stream) {
    case event::Stream::kListen:
      return "fact_listen";
    case event::Stream::kPageView:
      return "fact_page_view";
    case event::Stream::kAuth:
      return "fact_auth";
    case event::Stream::kStatusChange:
      return "fact_status_change";
  }
  return "";
}

// Transaction-scoped advisory locks; any constants shared by all tributary processes.
constexpr std::string_view kPartitionLock = "SELECT pg_advisory_xact_lock(7406521924)";
constexpr std::string_view kLoadLock = "SELECT pg_advisory_xact_lock(7406521925)";

}  // namespace

FactPartition fact_partition(std::string_view fact_table_name, std::int32_t date_key) {
  const std::int32_t year = date_key / 10000;
  const std::int32_t month = date_key / 100 % 100;
  const std::int32_t next =
      month == 12 ? (year + 1) * 10000 + 101 : year * 10000 + (month + 1) * 100 + 1;
  return FactPartition{std::string(fact_table_name) + "_p" + std::to_string(year * 100 + month),
                       year * 10000 + month * 100 + 1, next};
}

PostgresWarehouse::PostgresWarehouse(const WarehouseUri& uri)
    : Warehouse(uri, std::make_unique<PostgresConnection>(uri)),
      postgres_(static_cast<PostgresConnection&>(connection())) {}

void PostgresWarehouse::configure_session() {
  // A load sorts its batch (facts in key order, marts by group); with the server's default 4 MB
  // a 50,000-row batch's sort spills to disk. This session's sorts and hashes may take 64 MB
  // each, which holds about 200,000 staged rows.
  postgres_.execute_script("SET work_mem = '64MB'");
  // The ingester's bookkeeping lives in tributary_ingest (migration 0023), after public, whatever
  // the database's or the role's default says. A role that may not use that schema (the BI
  // role) resolves nothing there.
  postgres_.execute_script("SET search_path = public, tributary_ingest");
}

bool PostgresWarehouse::session_read_only() {
  return *postgres_.query("SELECT current_setting('default_transaction_read_only')")[0][0] == "on";
}

void PostgresWarehouse::stage(const event::EventBatch& batch, const BatchKeys& keys) {
  const event::Stream stream = batch.stream();
  const std::string table = staging_table(stream);
  postgres_.execute_script("TRUNCATE " + quote_identifier(table));
  const std::vector<event::StreamField> fields = staged_fields(stream);
  const auto width = static_cast<std::uint16_t>(kStagingDerivedColumns + fields.size());
  std::vector<const event::Column*> columns;
  for (const event::StreamField& f : fields) columns.push_back(&batch.column(f.field));
  const event::Column& ts = batch.column(event::Field::kTs);
  PostgresCopyWriter copy;
  unsigned char key[16];
  for (std::size_t row = 0; row < batch.size(); ++row) {
    copy.begin_row(width);
    batch.keys()[row].write_bytes(key);
    copy.add_uuid(key);
    copy.add_int32(date_key_of(ts.i64[row]));
    for (std::size_t k = 0; k < kDimensionKeyCount; ++k) {
      const std::int64_t v = keys.keys[row * kDimensionKeyCount + k];
      if (v == 0) {
        copy.add_null();
      } else {
        copy.add_int32(static_cast<std::int32_t>(v));
      }
    }
    for (const event::Column* col : columns) {
      if (!col->is_valid(row)) {
        copy.add_null();
        continue;
      }
      switch (col->type) {
        case event::FieldType::kString:
          copy.add_text(col->str.at(row));
          break;
        case event::FieldType::kInt32:
          copy.add_int32(col->i32[row]);
          break;
        case event::FieldType::kInt64:
          copy.add_int64(col->i64[row]);
          break;
        case event::FieldType::kTimestampMs:
          copy.add_timestamptz_ms(col->i64[row]);
          break;
        case event::FieldType::kDouble:
          copy.add_double(col->f64[row]);
          break;
        case event::FieldType::kBool:
          copy.add_bool(col->b[row] != 0);
          break;
      }
    }
  }
  postgres_.copy_in("COPY " + quote_identifier(table) + " (" + staging_columns(stream) +
                        ") FROM STDIN (FORMAT binary)",
                    copy.finish());
}

void PostgresWarehouse::write_scratch(const ScratchRows& rows) {
  const auto width = static_cast<std::uint16_t>(rows.columns.size());
  std::string columns;
  for (const ScratchColumn& c : rows.columns) {
    columns += (columns.empty() ? "" : ", ") + quote_identifier(c.name);
  }
  PostgresCopyWriter copy;
  for (std::size_t row = 0; row < rows.rows(); ++row) {
    copy.begin_row(width);
    for (std::size_t c = 0; c < width; ++c) {
      const SqlValue& v = rows.values[row * width + c];
      if (std::holds_alternative<std::monostate>(v)) {
        copy.add_null();
        continue;
      }
      switch (rows.columns[c].type) {
        case ScratchType::kBigint:
          copy.add_int64(std::get<std::int64_t>(v));
          break;
        case ScratchType::kTimestampMs:
          copy.add_timestamptz_ms(std::get<std::int64_t>(v));
          break;
        case ScratchType::kText:
          copy.add_text(std::get<std::string>(v));
          break;
        case ScratchType::kBoolean:
          copy.add_bool(std::get<std::int64_t>(v) != 0);
          break;
      }
    }
  }
  postgres_.copy_in(
      "COPY " + quote_identifier(rows.table) + " (" + columns + ") FROM STDIN (FORMAT binary)",
      copy.finish());
}

void PostgresWarehouse::serialize_loads() {
  postgres_.query(kLoadLock);
}

void PostgresWarehouse::prepare_facts(const event::EventBatch& batch) {
  const std::string_view parent = fact_table(batch.stream());
  std::set<std::int32_t> months;
  const event::Column& ts = batch.column(event::Field::kTs);
  for (std::size_t row = 0; row < batch.size(); ++row)
    months.insert(date_key_of(ts.i64[row]) / 100);
  bool locked = false;
  for (std::int32_t month : months) {
    const FactPartition p = fact_partition(parent, month * 100 + 1);
    const SqlValue name[] = {p.name};
    const auto exists = [&] {
      return postgres_.query("SELECT to_regclass($1) IS NOT NULL", name).at(0).at(0) == "t";
    };
    if (exists()) continue;
    if (!locked) {
      postgres_.query(kPartitionLock);
      locked = true;
      // Another loader may have committed it while we waited (READ COMMITTED: a new snapshot).
      if (exists()) continue;
    }
    // The function of migration 0013 creates and attaches it as the tables' owner, so that a
    // loader that did not run the migrations can too, and BI can read the partition.
    const SqlValue args[] = {std::string(parent), std::int64_t{month}};
    postgres_.query("SELECT tributary_create_fact_partition($1, $2)", args);
  }
}

}  // namespace tributary::warehouse
