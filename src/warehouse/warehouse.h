// Warehouse: an open star-schema database (SQLite or PostgreSQL) with its migrations applied,
// and the batch loader. One Warehouse is one connection: not thread-safe; use one per thread.
//
// Loading is idempotent: facts key on event_key (its 16 bytes; the views show the lake's 32 hex
// digits), so loading a batch twice, or a batch with duplicates inside, stores each event once.
// Dimensions, dim_user's type-2 history and the marts are derived from the facts and observations
// inside the same transaction, so they are exact after any sequence of loads.
//
// To commit other rows atomically with a load (the ingester's ledger and lake manifest), open a
// WarehouseTransaction, load() and write through connection(), then commit().
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "event/batch.h"
#include "warehouse/dimension_keys.h"
#include "warehouse/scratch_rows.h"
#include "warehouse/sql_connection.h"
#include "warehouse/warehouse_uri.h"

namespace tributary::warehouse {

// What one load did to a stream's facts: rows that were new, and rows that were already stored
// (or repeated within the batch). new_rows + duplicates == batch size.
struct StreamLoadCounts {
  std::uint64_t new_rows = 0;
  std::uint64_t duplicates = 0;

  StreamLoadCounts& operator+=(const StreamLoadCounts& other) {
    new_rows += other.new_rows;
    duplicates += other.duplicates;
    return *this;
  }
};

class Warehouse {
 public:
  // Connects to the warehouse `uri` names (see warehouse_uri.h), creating an SQLite file if
  // needed, and applies pending migrations. Errors name the warehouse by its redacted URI.
  static std::unique_ptr<Warehouse> open(std::string_view uri);
  // As open(), but an SQLite file that does not exist is an error (std::runtime_error naming the
  // path) instead of a new, empty database: for the commands that read or change what `run`
  // built (report, status, compact), where a mistyped path must not become an empty answer, or
  // an empty lake manifest.
  static std::unique_ptr<Warehouse> open_existing(std::string_view uri);

  virtual ~Warehouse();
  Warehouse(const Warehouse&) = delete;
  Warehouse& operator=(const Warehouse&) = delete;

  SqlConnection& connection() { return *connection_; }
  const WarehouseUri& uri() const { return uri_; }

  // After the connection to the server was lost (DatabaseUnavailable), connects again and
  // prepares the new session as open() did; a no-op while connected. Throws DatabaseUnavailable
  // while the server cannot be reached. Not during a WarehouseTransaction.
  void ensure_connected();

  // Loads `batch` in a transaction of its own.
  StreamLoadCounts load(const event::EventBatch& batch);

 protected:
  Warehouse(WarehouseUri uri, std::unique_ptr<SqlConnection> connection);

  // Applies configure_session() and learns whether the session may write; called by open() and
  // by ensure_connected() for each new session. The temporary tables a load needs (staging and
  // scratch) are created by the session's first load, so that commands that only read (report,
  // status) do not pay for them.
  void prepare_session();
  // Settings of a new session (PostgreSQL: work_mem, search_path); none by default. Runs before
  // the migrations too, which may need them to find the schema's version.
  virtual void configure_session() {}
  // Whether the session cannot write (PostgreSQL: default_transaction_read_only, as the BI role
  // is set up); such a session gets no staging or scratch tables, and loading fails.
  virtual bool session_read_only() { return false; }
  // Replaces the contents of the stream's staging table with every row of `batch` and its
  // dimension keys `keys` (staging.h).
  virtual void stage(const event::EventBatch& batch, const BatchKeys& keys) = 0;
  // Appends `rows` to their temporary table (see scratch_rows.h).
  virtual void write_scratch(const ScratchRows& rows) = 0;
  // Makes the stream's fact table ready for the batch's dates (PostgreSQL: monthly partitions).
  virtual void prepare_facts(const event::EventBatch& batch) = 0;
  virtual std::string_view begin_statement() const = 0;
  // Makes concurrent loads take turns until commit: a dim_user rebuild reads the observations of
  // every committed load and must see them all, and dimension upserts taken in different orders
  // would deadlock. Fetching, decoding and Parquet encoding, the bulk of a batch's work, stay
  // parallel. A no-op where transactions are already serial (SQLite's single writer).
  virtual void serialize_loads() = 0;

 private:
  friend class WarehouseTransaction;

  StreamLoadCounts load_staged(const event::EventBatch& batch);
  void create_load_tables();
  // Fills in the parsed parts (warehouse/user_agent.h) of the dim_user_agent rows that have none
  // yet: those the current load added, or that migration 0022 created from existing facts.
  void parse_new_user_agents();
  // Writes each staged user's latest profile to staged_profile (user_history.h).
  void stage_profiles(const event::EventBatch& batch);
  // Rebuilds dim_user for the staged users of `stream` (load_statements.h, user_history.h).
  void rebuild_dim_user(event::Stream stream);

  WarehouseUri uri_;
  std::unique_ptr<SqlConnection> connection_;
  DimensionKeys dimension_keys_;  // forgotten with every rollback and every new session
  bool in_transaction_ = false;
  bool session_prepared_ = false;   // configure_session() ran in the current session
  bool read_only_ = false;          // the current session may not write
  bool load_tables_ready_ = false;  // the current session has its temporary tables
};

// One database transaction on a Warehouse: begun by the constructor, rolled back by the
// destructor unless commit() ran. At most one per Warehouse at a time.
class WarehouseTransaction {
 public:
  explicit WarehouseTransaction(Warehouse& warehouse);
  ~WarehouseTransaction();
  WarehouseTransaction(const WarehouseTransaction&) = delete;
  WarehouseTransaction& operator=(const WarehouseTransaction&) = delete;

  StreamLoadCounts load(const event::EventBatch& batch);
  // For the caller's own rows in the same transaction.
  SqlConnection& connection() { return warehouse_.connection(); }
  void commit();

 private:
  Warehouse& warehouse_;
  bool open_ = true;
};

}  // namespace tributary::warehouse
