// The demo's working directory and the "where to look" guide `tributary demo` prints at the end.
#pragma once

#include <filesystem>
#include <string>

namespace tributary::cli {

// Paths and URIs under the demo's directory. `dir` is absolute and normalised.
struct DemoPaths {
  std::filesystem::path dir, raw, lake, warehouse_db;
  std::string raw_uri, lake_uri, warehouse_uri;

  // `dir_option` as given to --dir, relative to the current directory or absolute.
  explicit DemoPaths(const std::string& dir_option);
};

// Where the raw bucket, the lake, the warehouse, the report and DuckDB views are, with example
// sqlite3 queries over the BI views and marts and a DuckDB session over silver.
std::string where_to_look(const DemoPaths& paths);

}  // namespace tributary::cli
