// Catalog: what makes query engines see the silver tables, which are Apache Iceberg v2 tables at
// <lake>/silver/<stream>/ whose current version metadata/version-hint.text names.
//
//  - athena: Athena reads Iceberg tables that the Glue Data Catalog registers (TableType
//    EXTERNAL_TABLE, Parameters table_type=ICEBERG and metadata_location). Athena's SQL cannot
//    register an existing Iceberg table (its CREATE TABLE ... TBLPROPERTIES ('table_type' =
//    'ICEBERG') makes a new, empty one), so the output is a shell script of `aws glue
//    create-table` (or, for a table Glue has, update-table) calls pointing each table at its
//    current metadata file, then the queries to run. Athena reads S3 only: the lake must be s3://.
//  - duckdb: `INSTALL iceberg; LOAD iceberg;` and one view per table over iceberg_scan() of the
//    table's location (DuckDB follows version-hint.text, so the view sees later commits); then,
//    commented out, the fallback for a DuckDB without the extension: views over read_parquet() of
//    the table's data files with hive_partitioning (event_date a DATE column). The fallback reads
//    the directory, not a snapshot: docs/lake.md says what it sees during a batch or a compaction.
// A table without version-hint.text (nothing committed yet) gets a comment saying so instead.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "event/schema.h"
#include "lake/manifest.h"
#include "store/object_store.h"

namespace tributary::lake {

enum class CatalogDialect { kAthena, kDuckDB };

// "athena", "duckdb"; nullopt otherwise.
std::optional<CatalogDialect> catalog_dialect_from_name(std::string_view name);

// A silver table's current Iceberg version as the lake holds it.
struct IcebergTableVersion {
  event::Stream stream{};
  // Empty when the lake has no metadata/version-hint.text for the table (nothing committed).
  std::string metadata_location;  // <table location>/metadata/v<N>.metadata.json
  std::string table_location;     // as the metadata file states it, no trailing slash
  std::int64_t version = 0;       // N
};

// The current version of every stream's table in `lake` (in event::kAllStreams order), read from
// each table's version-hint.text and the metadata file it names. Throws std::runtime_error naming
// the file when a hint is not a positive number or its metadata file is missing or unreadable.
std::vector<IcebergTableVersion> iceberg_table_versions(store::ObjectStore& lake);

struct CatalogInput {
  // file:///abs/dir or s3://bucket/prefix; a file:// path is used as it stands, so pass the
  // store's uri(), whose percent-escapes are decoded.
  std::string lake_uri;
  std::vector<IcebergTableVersion> tables;  // iceberg_table_versions()
  // The lake's committed files: picks the fallback read_parquet views (a view over a table
  // without files would fail to bind).
  std::vector<ManifestEntry> committed;
  std::string glue_database = "tributary";  // athena
};

// The read_parquet views alone, one per table with committed files, one line each (the duckdb
// dialect's fallback; the demo's duckdb.sql, which must run without network). Throws
// std::invalid_argument for a lake that is not file:///abs or s3://.
std::string duckdb_parquet_views(std::string_view lake_uri,
                                 const std::vector<ManifestEntry>& committed);

// The script (athena) or SQL (duckdb). Throws std::invalid_argument for a URI the dialect cannot
// read.
std::string catalog_ddl(CatalogDialect dialect, const CatalogInput& input);

}  // namespace tributary::lake
