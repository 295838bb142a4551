// Catalog DDL: SQL that makes query engines see the silver tables.
//
//  - athena: one CREATE EXTERNAL TABLE per stream over s3://.../silver/<stream>/, partitioned by
//    event_date (a string, 'YYYY-MM-DD') with partition projection, so no MSCK REPAIR or Glue
//    crawler is needed as days appear. Athena reads S3 only, so the lake must be s3://.
//  - duckdb: one view per stream that has committed files, over read_parquet() of the table's
//    glob with hive_partitioning (event_date becomes a DATE column).
// Both read the directory, not the manifest: docs/lake.md says what such readers see during a
// batch or a compaction.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lake/manifest.h"

namespace tributary::lake {

enum class CatalogDialect { kAthena, kDuckDB };

// "athena", "duckdb"; nullopt otherwise.
std::optional<CatalogDialect> catalog_dialect_from_name(std::string_view name);

// The DDL for the lake at `lake_uri` (file:///abs/dir or s3://bucket/prefix; a file:// path is
// used as it stands, so pass the store's uri(), whose percent-escapes are decoded). `committed`
// picks the DuckDB views to create (a view over a table without files would fail to bind). Throws
// std::invalid_argument for a URI the dialect cannot read.
std::string catalog_ddl(CatalogDialect dialect, std::string_view lake_uri,
                        const std::vector<ManifestEntry>& committed);

}  // namespace tributary::lake
