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

// Where the raw bucket, the lake, the warehouse, the reports (JSON and HTML) and DuckDB views are,
// with example sqlite3 queries over the BI views and marts, a DuckDB session over silver, and
// the commands that show the ledger and the live status page. The lake's quarantine is listed
// only when it exists (it is created by the first rejected line). `program` is how the commands
// name the binary: its absolute path, since a freshly built tributary is not on PATH.
// `demo_options` ("" or " --users 60 --days 1 ...") are the ones a re-run must repeat.
std::string where_to_look(const DemoPaths& paths, const std::string& program,
                          const std::string& demo_options);

}  // namespace tributary::cli
