// SqlIcebergCatalog: the silver tables' Iceberg catalog in the state database, the only code that
// touches the iceberg_tables and iceberg_unpublished tables (migration 0019).
//
// A table's row in iceberg_tables (catalog "tributary", namespace "silver", name = the stream) is
// its commit point, as in Iceberg's JDBC catalog: the batch's transaction locks the row
// (lock_current), computes the next metadata from the version it names, and moves the pointer
// (swap), fenced on the location it read. Concurrent committers of one table therefore queue on
// the row lock (PostgreSQL FOR UPDATE; SQLite has one writer) and each builds on the version the
// one before committed.
//
// Readers that find a table by path follow metadata/version-hint.text instead, which the lake
// copy of the pointer: it may name version N only once the data files of every version up to N
// are in the lake. A committed version whose batch has not published its data files yet is
// recorded in iceberg_unpublished; publish_hint() points the hint at the highest version below
// every unpublished one, and never moves it back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "event/schema.h"
#include "lake/iceberg/external_catalog.h"
#include "store/object_store.h"
#include "warehouse/sql_connection.h"

namespace tributary::ingest {

class SqlIcebergCatalog {
 public:
  static constexpr std::string_view kCatalogName = "tributary";
  static constexpr std::string_view kNamespace = "silver";

  explicit SqlIcebergCatalog(warehouse::SqlConnection& db) : db_(db) {}

  // Inside the caller's transaction: locks the table's row until the transaction ends and returns
  // the metadata location it names, empty for none. With `create`, a table never committed gets
  // its row (no location yet) so that there is a row to lock; the caller must then swap() it in
  // the same transaction, as a row without a location is no table to a JDBC catalog reader.
  std::string lock_current(event::Stream stream, bool create = false);

  // Inside the caller's transaction, after lock_current: moves the table's pointer from
  // `previous` (empty: none) to `next`, and records that version `version` is not published
  // yet when `batch_id` is not empty. Throws std::runtime_error when the row does not name
  // `previous` (another writer moved it: nothing may be committed on a stale state).
  void swap(event::Stream stream, const std::string& previous, const std::string& next,
            std::int64_t version, const std::string& batch_id);

  // The metadata location the table's row names, empty for none (no lock, no transaction).
  std::string current(event::Stream stream);

  // In a transaction of its own (the caller must not have one open): forgets the versions
  // `batch_id` left unpublished, then writes the table's metadata/version-hint.text in `lake`
  // when the newest publishable version is newer than the one it names, and tells `external`
  // (may be null) about that version's metadata. `table_location` is the table's URI, which
  // starts with lake.uri(). A failure of `external` is logged and does not throw.
  void publish_hint(event::Stream stream, const std::string& batch_id,
                    const std::string& table_location, store::ObjectStore& lake,
                    lake::iceberg::ExternalCatalog* external);

 private:
  warehouse::SqlConnection& db_;
};

// N of a metadata location .../metadata/v<N>.metadata.json; throws std::runtime_error otherwise.
std::int64_t metadata_version(const std::string& metadata_location);

// The key in `lake` of `uri`, a location inside it (lake.uri() + "/" + key).
std::string lake_key(const store::ObjectStore& lake, const std::string& uri);

}  // namespace tributary::ingest
