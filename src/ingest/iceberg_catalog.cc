#include "ingest/iceberg_catalog.h"

#include <charconv>
#include <stdexcept>

#include "util/log.h"

namespace tributary::ingest {
namespace {

using warehouse::SqlRow;
using warehouse::SqlValue;

constexpr std::string_view kHintPath = "/metadata/version-hint.text";

std::string name_of(event::Stream stream) {
  return std::string(event::stream_name(stream));
}

std::optional<std::int64_t> parse_version(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n <= 0) return std::nullopt;
  return n;
}

// The version metadata/version-hint.text names in the lake, 0 when there is none.
std::int64_t lake_hint(store::ObjectStore& lake, const std::string& hint_key) {
  if (!lake.head(hint_key)) return 0;
  const std::string text = lake.get(hint_key).body;
  const std::optional<std::int64_t> n = parse_version(text);
  if (!n) {
    throw std::runtime_error(lake.uri() + "/" + hint_key + " does not name a version: \"" +
                             text.substr(0, 40) + "\"");
  }
  return *n;
}

std::string version_location(const std::string& table_location, std::int64_t version) {
  return table_location + "/metadata/v" + std::to_string(version) + ".metadata.json";
}

}  // namespace

std::int64_t metadata_version(const std::string& metadata_location) {
  const std::size_t slash = metadata_location.rfind("/v");
  constexpr std::string_view kSuffix = ".metadata.json";
  if (slash != std::string::npos && metadata_location.ends_with(kSuffix)) {
    const std::size_t from = slash + 2;
    const std::size_t to = metadata_location.size() - kSuffix.size();
    if (to > from) {
      if (const auto n =
              parse_version(std::string_view(metadata_location).substr(from, to - from))) {
        return *n;
      }
    }
  }
  throw std::runtime_error("not an Iceberg metadata location (.../v<N>.metadata.json): " +
                           metadata_location);
}

std::string lake_key(const store::ObjectStore& lake, const std::string& uri) {
  const std::string root = lake.uri() + "/";
  if (!uri.starts_with(root) || uri.size() == root.size()) {
    throw std::runtime_error(uri + " is not a location in the lake " + lake.uri());
  }
  return uri.substr(root.size());
}

std::string SqlIcebergCatalog::lock_current(event::Stream stream, bool create) {
  const SqlValue params[] = {std::string(kCatalogName), std::string(kNamespace), name_of(stream)};
  // A first commit creates the row (no location yet) so that there is a row to lock: a second
  // first committer waits on this insert instead of failing on the primary key.
  if (create) {
    db_.execute(
        "INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, iceberg_type)"
        " VALUES ($1, $2, $3, 'TABLE') ON CONFLICT DO NOTHING",
        params);
  }
  const bool postgres = db_.dialect() == warehouse::Dialect::kPostgres;
  const std::vector<SqlRow> rows = db_.query(
      std::string("SELECT metadata_location FROM iceberg_tables"
                  " WHERE catalog_name = $1 AND table_namespace = $2 AND table_name = $3") +
          (postgres ? " FOR UPDATE" : ""),
      params);
  if (rows.empty()) {
    if (create) throw std::runtime_error("iceberg_tables lost the row of " + name_of(stream));
    return {};
  }
  return rows[0][0].value_or("");
}

void SqlIcebergCatalog::swap(event::Stream stream, const std::string& previous,
                             const std::string& next, std::int64_t version,
                             const std::string& batch_id) {
  const SqlValue params[] = {std::string(kCatalogName),
                             std::string(kNamespace),
                             name_of(stream),
                             next,
                             previous.empty() ? SqlValue() : SqlValue(previous),
                             previous};
  const std::int64_t moved = db_.execute(
      "UPDATE iceberg_tables SET metadata_location = $4, previous_metadata_location = $5"
      " WHERE catalog_name = $1 AND table_namespace = $2 AND table_name = $3"
      " AND coalesce(metadata_location, '') = $6",
      params);
  if (moved != 1) {
    throw std::runtime_error("the Iceberg table " + name_of(stream) + " no longer points at " +
                             (previous.empty() ? std::string("no metadata") : previous) +
                             ": another writer committed it");
  }
  if (batch_id.empty()) return;
  const SqlValue pending[] = {name_of(stream), version, next, batch_id};
  db_.execute(
      "INSERT INTO iceberg_unpublished (table_name, version, metadata_location, batch_id)"
      " VALUES ($1, $2, $3, $4)",
      pending);
}

std::string SqlIcebergCatalog::current(event::Stream stream) {
  const SqlValue params[] = {std::string(kCatalogName), std::string(kNamespace), name_of(stream)};
  const std::vector<SqlRow> rows = db_.query(
      "SELECT metadata_location FROM iceberg_tables"
      " WHERE catalog_name = $1 AND table_namespace = $2 AND table_name = $3",
      params);
  return rows.empty() ? std::string() : rows[0][0].value_or("");
}

void SqlIcebergCatalog::publish_hint(event::Stream stream, const std::string& batch_id,
                                     const std::string& table_location, store::ObjectStore& lake,
                                     lake::iceberg::ExternalCatalog* external) {
  // One transaction holding the table's row: publishers of one table write the hint one at a
  // time, so a slow one cannot put back an older version over a newer one.
  db_.execute_script(db_.dialect() == warehouse::Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
  std::int64_t published = 0;
  std::int64_t before = 0;
  try {
    const std::string current = lock_current(stream);
    const SqlValue mine[] = {name_of(stream), batch_id};
    db_.execute("DELETE FROM iceberg_unpublished WHERE table_name = $1 AND batch_id = $2", mine);
    if (!current.empty()) {
      const SqlValue table[] = {name_of(stream)};
      const std::vector<SqlRow> lowest =
          db_.query("SELECT min(version) FROM iceberg_unpublished WHERE table_name = $1", table);
      const std::int64_t newest = metadata_version(current);
      const std::int64_t publishable =
          lowest.empty() || !lowest[0][0] ? newest : warehouse::sql_int(lowest[0][0]) - 1;
      const std::string hint_key = lake_key(lake, table_location + std::string(kHintPath));
      before = lake_hint(lake, hint_key);
      if (publishable > before) {
        lake.put(hint_key, std::to_string(publishable));
        published = publishable;
      }
    }
    db_.execute_script("COMMIT");
  } catch (...) {
    db_.execute_script("ROLLBACK");
    throw;
  }
  if (external == nullptr || published == 0) return;
  const std::string location = version_location(table_location, published);
  const std::string previous = before > 0 ? version_location(table_location, before) : "";
  try {
    external->table_published(stream, location, previous);
  } catch (const std::exception& e) {
    // The next publish of this table moves the external pointer to a newer version.
    util::log_error("iceberg.external_catalog",
                    {{"table", name_of(stream)}, {"metadata", location}, {"error", e.what()}});
  }
}

}  // namespace tributary::ingest
