// `tributary catalog --lake URI --dialect athena|duckdb [--glue-database NAME]`: prints what lets
// a query engine read the lake's silver Iceberg tables (see lake/catalog.h).
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "cli/commands.h"
#include "lake/catalog.h"
#include "lake/manifest.h"
#include "store/open_store.h"

namespace tributary::cli {
namespace {

struct CatalogOptions {
  std::string lake;
  std::string dialect;
  std::string glue_database = "tributary";
};

void run_catalog(const CatalogOptions& opts) {
  const auto dialect = lake::catalog_dialect_from_name(opts.dialect);
  if (!dialect) {
    throw std::invalid_argument("--dialect must be athena or duckdb, not \"" + opts.dialect + "\"");
  }
  if (*dialect == lake::CatalogDialect::kAthena && !opts.lake.starts_with("s3://")) {
    throw std::invalid_argument("athena reads only s3:// lakes, not " + opts.lake);
  }
  auto store = store::open_store(opts.lake);
  // A lake that is not there reads as one with no tables; a mistyped directory or bucket must be
  // an error, not an empty catalog (listing throws when the root is missing).
  store->list("", {}, 1);
  lake::CatalogInput input;
  // The DuckDB views read the directory the store reads: its URI has the percent-escapes of a
  // file:// lake decoded ("my%20lake" is the directory "my lake").
  input.lake_uri = store->uri();
  input.tables = lake::iceberg_table_versions(*store);
  input.committed = lake::StoreManifest(*store).entries();
  input.glue_database = opts.glue_database;
  const std::string ddl = lake::catalog_ddl(*dialect, input);
  std::fwrite(ddl.data(), 1, ddl.size(), stdout);
  std::fflush(stdout);
}

}  // namespace

void add_catalog_command(CLI::App& app) {
  auto opts = std::make_shared<CatalogOptions>();
  CLI::App* cmd = app.add_subcommand(
      "catalog",
      "Print what makes a query engine read the lake's silver Iceberg tables: for Athena, the "
      "AWS Glue registration of each table's current metadata (aws glue create-table calls; "
      "s3:// lakes), or DuckDB views over iceberg_scan with read_parquet views as the fallback "
      "without the iceberg extension.");
  cmd->add_option("--lake", opts->lake, "Lake URI (file:///abs/dir or s3://bucket/prefix)")
      ->required()
      ->type_name("URI");
  cmd->add_option("--dialect", opts->dialect, "athena or duckdb")->required();
  cmd->add_option("--glue-database", opts->glue_database,
                  "Glue database of the tables (athena; default tributary)");
  cmd->callback([opts] { run_catalog(*opts); });
}

}  // namespace tributary::cli
