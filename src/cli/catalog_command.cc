// `tributary catalog --lake URI --dialect athena|duckdb`: prints the DDL that lets a query engine
// read the lake's silver tables (see lake/catalog.h).
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
};

void run_catalog(const CatalogOptions& opts) {
  const auto dialect = lake::catalog_dialect_from_name(opts.dialect);
  if (!dialect) {
    throw std::invalid_argument("--dialect must be athena or duckdb, not \"" + opts.dialect + "\"");
  }
  std::vector<lake::ManifestEntry> committed;
  std::string lake_uri = opts.lake;
  // Athena's DDL does not depend on the files present; DuckDB's views exist only for tables that
  // have committed files, and read the directory the store reads: its URI has the percent-escapes
  // of a file:// lake decoded ("my%20lake" is the directory "my lake").
  if (*dialect == lake::CatalogDialect::kDuckDB) {
    auto store = store::open_store(opts.lake);
    // The manifest reads a lake that is not there as a fresh, empty one; a mistyped directory or
    // bucket must be an error, not an empty catalog (listing throws when the root is missing).
    store->list("", {}, 1);
    committed = lake::StoreManifest(*store).entries();
    lake_uri = store->uri();
  }
  const std::string ddl = lake::catalog_ddl(*dialect, lake_uri, committed);
  std::fwrite(ddl.data(), 1, ddl.size(), stdout);
  std::fflush(stdout);
}

}  // namespace

void add_catalog_command(CLI::App& app) {
  auto opts = std::make_shared<CatalogOptions>();
  CLI::App* cmd = app.add_subcommand(
      "catalog",
      "Print SQL DDL for the lake's silver tables: Athena CREATE EXTERNAL TABLE with partition "
      "projection on event_date (s3:// lakes), or DuckDB views over read_parquet with Hive "
      "partitioning (tables with committed files).");
  cmd->add_option("--lake", opts->lake, "Lake URI (file:///abs/dir or s3://bucket/prefix)")
      ->required()
      ->type_name("URI");
  cmd->add_option("--dialect", opts->dialect, "athena or duckdb")->required();
  cmd->callback([opts] { run_catalog(*opts); });
}

}  // namespace tributary::cli
