// PostgresWarehouse: the production warehouse. A batch is staged with one binary COPY into a
// temporary table, and fact partitions for the batch's months are created on demand before the
// facts are inserted. The staging table is not ANALYZEd: the planner sizes tables without
// statistics from their current size, which is what the joins need, and ANALYZE cost a quarter
// of a 50k-row load (docs/benchmarks.md).
#pragma once

#include "warehouse/postgres_connection.h"
#include "warehouse/warehouse.h"

namespace tributary::warehouse {

class PostgresWarehouse final : public Warehouse {
 public:
  explicit PostgresWarehouse(const WarehouseUri& uri);

 protected:
  void stage(const event::EventBatch& batch, const BatchKeys& keys) override;
  void write_scratch(const ScratchRows& rows) override;
  void prepare_facts(const event::EventBatch& batch) override;
  std::string_view begin_statement() const override { return "BEGIN"; }
  void serialize_loads() override;
  void configure_session() override;
  bool session_read_only() override;

 private:
  PostgresConnection& postgres_;
};

// The name of the monthly partition of `fact_table` holding `date_key`, e.g. fact_listen_p202306,
// and its bounds [first of month, first of next month) as date_keys.
struct FactPartition {
  std::string name;
  std::int32_t from_key;
  std::int32_t to_key;
};
FactPartition fact_partition(std::string_view fact_table, std::int32_t date_key);

}  // namespace tributary::warehouse
