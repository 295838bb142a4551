#include "lake/catalog.h"

#include <charconv>
#include <set>
#include <stdexcept>

#include "lake/iceberg/glue_table.h"
#include "lake/iceberg/iceberg_table.h"
#include "lake/layout.h"

namespace tributary::lake {
namespace {

// A SQL string literal: single quotes doubled.
std::string sql_literal(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

// A POSIX shell word: single-quoted, a quote inside as '\''.
std::string shell_word(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string strip_trailing_slash(std::string_view s) {
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return std::string(s);
}

std::string missing_note(std::string_view comment, const IcebergTableVersion& t) {
  const std::string name(event::stream_name(t.stream));
  return std::string(comment) + " " + name + ": no Iceberg metadata yet (silver/" + name +
         "/metadata/version-hint.text is missing): nothing is committed to this table.\n";
}

std::string athena_script(const CatalogInput& in) {
  if (!in.lake_uri.starts_with("s3://")) {
    throw std::invalid_argument("athena reads only s3:// lakes, not " + in.lake_uri);
  }
  const std::string db = shell_word(in.glue_database);
  std::string out =
      "#!/bin/sh\n"
      "# Registers the lake's silver Iceberg tables in the AWS Glue Data Catalog, for Athena.\n"
      "# Athena's SQL cannot register an existing Iceberg table (CREATE TABLE ... 'table_type' =\n"
      "# 'ICEBERG' makes a new, empty one): each table is a Glue table with table_type=ICEBERG "
      "and\n"
      "# metadata_location naming its current metadata file. `tributary run` with glue.database\n"
      "# set moves metadata_location after every commit; without it, run this script again to\n"
      "# show Athena newer commits. The database must exist:\n"
      "#   aws glue create-database --database-input '{\"Name\":\"" +
      in.glue_database + "\"}'\n";
  bool any = false;
  for (const IcebergTableVersion& t : in.tables) {
    if (t.metadata_location.empty()) {
      out += "\n" + missing_note("#", t);
      continue;
    }
    any = true;
    const std::string input =
        shell_word(iceberg::glue_table_input(t.stream, t.table_location, t.metadata_location));
    out += "\n# " + std::string(event::stream_name(t.stream)) + ": version " +
           std::to_string(t.version) + " (" + t.metadata_location + ")\n";
    out += "aws glue create-table --database-name " + db + " --table-input " + input +
           " ||\n  aws glue update-table --database-name " + db + " --table-input " + input + "\n";
  }
  out += "\n# Then, in Athena (engine version 3), for example:\n";
  for (const IcebergTableVersion& t : in.tables) {
    if (t.metadata_location.empty()) continue;
    out += "#   SELECT count(*) FROM \"" + in.glue_database + "\".\"" +
           std::string(event::stream_name(t.stream)) + "\";\n";
  }
  if (any) {
    out += "#   SELECT * FROM \"" + in.glue_database + "\".\"" +
           std::string(event::stream_name(in.tables.front().stream)) +
           "$snapshots\";  -- the table's commits\n";
  }
  return out;
}

std::string duckdb_sql(const CatalogInput& in) {
  // Checks the URI before anything is printed.
  const std::string fallback = duckdb_parquet_views(in.lake_uri, in.committed);
  std::string out =
      "-- DuckDB views over the lake's silver Iceberg tables (the iceberg extension; an s3://\n"
      "-- lake also needs httpfs and an S3 secret, e.g. CREATE SECRET (TYPE s3, PROVIDER\n"
      "-- credential_chain)). Each view reads the version metadata/version-hint.text names.\n"
      "INSTALL iceberg;\nLOAD iceberg;\n";
  for (const IcebergTableVersion& t : in.tables) {
    if (t.metadata_location.empty()) {
      out += missing_note("--", t);
      continue;
    }
    // A file:// table location is given to DuckDB as the plain path it stands for.
    std::string location = t.table_location;
    if (location.starts_with("file://")) location = location.substr(7);
    out += "CREATE OR REPLACE VIEW \"" + std::string(event::stream_name(t.stream)) +
           "\" AS SELECT * FROM iceberg_scan(" + sql_literal(location) + ");\n";
  }
  out +=
      "\n-- Fallback for a DuckDB without the iceberg extension: the tables' Parquet files, by\n"
      "-- directory. It reads every file present, not one snapshot (docs/lake.md).\n";
  std::size_t line = 0;
  while (line < fallback.size()) {
    const std::size_t end = fallback.find('\n', line);
    out += "-- " + fallback.substr(line, end - line + 1);
    line = end + 1;
  }
  return out;
}

}  // namespace

std::optional<CatalogDialect> catalog_dialect_from_name(std::string_view name) {
  if (name == "athena") return CatalogDialect::kAthena;
  if (name == "duckdb") return CatalogDialect::kDuckDB;
  return std::nullopt;
}

std::vector<IcebergTableVersion> iceberg_table_versions(store::ObjectStore& lake) {
  std::vector<IcebergTableVersion> out;
  for (event::Stream stream : event::kAllStreams) {
    IcebergTableVersion t;
    t.stream = stream;
    const std::string metadata = layout::silver_prefix(stream) + "metadata/";
    std::string hint;
    try {
      hint = lake.get(metadata + "version-hint.text").body;
    } catch (const store::StoreError& e) {
      if (e.code() != store::StoreErrorCode::kNotFound) throw;
      out.push_back(std::move(t));
      continue;
    }
    while (!hint.empty() && (hint.back() == '\n' || hint.back() == '\r' || hint.back() == ' ')) {
      hint.pop_back();
    }
    const auto [end, ec] = std::from_chars(hint.data(), hint.data() + hint.size(), t.version);
    if (ec != std::errc() || end != hint.data() + hint.size() || t.version <= 0) {
      throw std::runtime_error(metadata + "version-hint.text does not hold a version number");
    }
    const std::string file = "v" + std::to_string(t.version) + ".metadata.json";
    std::string json;
    try {
      json = lake.get(metadata + file).body;
    } catch (const store::StoreError& e) {
      throw std::runtime_error(metadata + "version-hint.text names " + file +
                               ", which cannot be read: " + e.what());
    }
    const iceberg::TableMetadata m = iceberg::parse_table_metadata(json);
    t.table_location = strip_trailing_slash(m.location);
    t.metadata_location = t.table_location + "/metadata/" + file;
    out.push_back(std::move(t));
  }
  return out;
}

std::string duckdb_parquet_views(std::string_view lake_uri,
                                 const std::vector<ManifestEntry>& committed) {
  std::string root;
  if (lake_uri.starts_with("file://")) {
    root = strip_trailing_slash(lake_uri.substr(7));
    if (!root.starts_with("/")) {
      throw std::invalid_argument("file:// lake URI must hold an absolute path: " +
                                  std::string(lake_uri));
    }
  } else if (lake_uri.starts_with("s3://")) {
    root = strip_trailing_slash(lake_uri);
  } else {
    throw std::invalid_argument("duckdb catalog needs a file:// or s3:// lake, not " +
                                std::string(lake_uri));
  }
  std::set<std::string> with_files;
  for (const ManifestEntry& e : committed) with_files.insert(e.table);
  std::string out;
  for (event::Stream stream : event::kAllStreams) {
    const std::string name(event::stream_name(stream));
    if (!with_files.contains(name)) continue;
    out += "CREATE OR REPLACE VIEW \"" + name + "\" AS SELECT * FROM read_parquet(" +
           sql_literal(root + "/silver/" + name + "/event_date=*/*.parquet") +
           ", hive_partitioning = true);\n";
  }
  return out;
}

std::string catalog_ddl(CatalogDialect dialect, const CatalogInput& input) {
  return dialect == CatalogDialect::kAthena ? athena_script(input) : duckdb_sql(input);
}

}  // namespace tributary::lake
