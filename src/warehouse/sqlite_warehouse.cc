#include "warehouse/sqlite_warehouse.h"

#include "warehouse/calendar.h"
#include "warehouse/staging.h"

namespace tributary::warehouse {
// The base class owns the connection; sqlite_ is its typed view, for the prepared statements.
SqliteWarehouse::SqliteWarehouse(const WarehouseUri& uri)
    : Warehouse(uri, std::make_unique<SqliteConnection>(uri.target)),
      sqlite_(static_cast<SqliteConnection&>(connection())) {}

SqliteWarehouse::~SqliteWarehouse() {
  // Statements must be finalised before the connection closes.
  for (auto& s : insert_stage_) s.reset();
}

void SqliteWarehouse::stage(const event::EventBatch& batch, const BatchKeys& keys) {
  const event::Stream stream = batch.stream();
  const std::string table = staging_table(stream);
  sqlite_.execute_script("DELETE FROM " + quote_identifier(table));
  auto& insert = insert_stage_[static_cast<std::size_t>(stream)];
  const std::vector<event::StreamField> fields = staged_fields(stream);
  if (!insert) {
    std::string sql =
        "INSERT INTO " + quote_identifier(table) + " (" + staging_columns(stream) + ") VALUES (?";
    for (std::size_t i = 1; i < kStagingDerivedColumns + fields.size(); ++i) sql += ", ?";
    sql += ')';
    insert = sqlite_.prepare(sql);
  }
  std::vector<const event::Column*> columns;
  for (const event::StreamField& f : fields) columns.push_back(&batch.column(f.field));
  const event::Column& ts = batch.column(event::Field::kTs);
  unsigned char key[16];
  for (std::size_t row = 0; row < batch.size(); ++row) {
    batch.keys()[row].write_bytes(key);
    insert->bind_blob(1, std::string_view(reinterpret_cast<const char*>(key), sizeof key));
    insert->bind_int64(2, date_key_of(ts.i64[row]));
    for (std::size_t k = 0; k < kDimensionKeyCount; ++k) {
      // After event_key and date_key; parameters count from 1.
      const int index = static_cast<int>(kStagingDerivedColumns - kDimensionKeyCount + k + 1);
      const std::int64_t v = keys.keys[row * kDimensionKeyCount + k];
      if (v == 0) {
        insert->bind_null(index);
      } else {
        insert->bind_int64(index, v);
      }
    }
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const int index = static_cast<int>(kStagingDerivedColumns + c + 1);
      const event::Column& col = *columns[c];
      if (!col.is_valid(row)) {
        insert->bind_null(index);
        continue;
      }
      switch (col.type) {
        case event::FieldType::kString:
          insert->bind_text(index, col.str.at(row));
          break;
        case event::FieldType::kInt32:
          insert->bind_int64(index, col.i32[row]);
          break;
        case event::FieldType::kInt64:
        case event::FieldType::kTimestampMs:
          insert->bind_int64(index, col.i64[row]);
          break;
        case event::FieldType::kDouble:
          insert->bind_double(index, col.f64[row]);
          break;
        case event::FieldType::kBool:
          insert->bind_int64(index, col.b[row]);
          break;
      }
    }
    insert->run();
  }
}

void SqliteWarehouse::write_scratch(const ScratchRows& rows) {
  std::string sql = "INSERT INTO " + quote_identifier(rows.table) + " (";
  for (std::size_t c = 0; c < rows.columns.size(); ++c) {
    sql += (c == 0 ? "" : ", ") + quote_identifier(rows.columns[c].name);
  }
  sql += ") VALUES (?";
  for (std::size_t c = 1; c < rows.columns.size(); ++c) sql += ", ?";
  sql += ')';
  const std::unique_ptr<SqliteStatement> insert = sqlite_.prepare(sql);
  const std::size_t width = rows.columns.size();
  for (std::size_t row = 0; row < rows.rows(); ++row) {
    for (std::size_t c = 0; c < width; ++c) {
      insert->bind(static_cast<int>(c + 1), rows.values[row * width + c]);
    }
    insert->run();
  }
}

}  // namespace tributary::warehouse
