// SqliteWarehouse: the embedded warehouse. A batch is staged with one prepared INSERT per row
// into an in-memory temporary table, inside the load's transaction (BEGIN IMMEDIATE, so a
// concurrent writer waits for the lock up front instead of failing at commit).
#pragma once

#include <array>
#include <memory>

#include "warehouse/sqlite_connection.h"
#include "warehouse/warehouse.h"

namespace tributary::warehouse {

class SqliteWarehouse final : public Warehouse {
 public:
  explicit SqliteWarehouse(const WarehouseUri& uri);
  ~SqliteWarehouse() override;

 protected:
  void stage(const event::EventBatch& batch, const BatchKeys& keys) override;
  void write_scratch(const ScratchRows& rows) override;
  void prepare_facts(const event::EventBatch&) override {}
  std::string_view begin_statement() const override { return "BEGIN IMMEDIATE"; }
  void serialize_loads() override {}

 private:
  SqliteConnection& sqlite_;
  std::array<std::unique_ptr<SqliteStatement>, event::kStreamCount> insert_stage_;
};

}  // namespace tributary::warehouse
