#include "warehouse/report.h"

#include <charconv>
#include <stdexcept>

#include "warehouse/calendar.h"

namespace tributary::warehouse {
namespace {

// "{collate}" becomes the byte-order collation of the dialect, so ties break the same way on
// PostgreSQL (whatever the database's locale) and SQLite.
std::string with_collation(std::string sql, Dialect dialect) {
  const std::string collate = dialect == Dialect::kPostgres ? "COLLATE \"C\"" : "COLLATE BINARY";
  constexpr std::string_view kMark = "{collate}";
  for (std::size_t pos = sql.find(kMark); pos != std::string::npos; pos = sql.find(kMark, pos)) {
    sql.replace(pos, kMark.size(), collate);
  }
  return sql;
}

constexpr std::string_view kLocations =
    "SELECT l.city, l.state, sum(a.page_view), sum(a.listen), sum(a.seconds) / 3600.0,"
    " count(DISTINCT a.user_id), count(DISTINCT a.session_id) FROM ("
    "  SELECT location_key, 1 AS page_view, 0 AS listen, 0.0 AS seconds, user_id, session_id"
    "  FROM fact_page_view WHERE date_key >= $1 AND date_key < $2"
    "  UNION ALL"
    "  SELECT location_key, 0, 1, duration_s, user_id, session_id"
    "  FROM fact_listen WHERE date_key >= $1 AND date_key < $2"
    " ) a JOIN dim_location l ON l.location_key = a.location_key"
    " GROUP BY l.city, l.state"
    " ORDER BY 3 DESC, 4 DESC, l.city {collate}, l.state {collate} LIMIT $3";

constexpr std::string_view kSongs =
    "SELECT a.name, s.title, count(*), count(DISTINCT f.user_id) FROM fact_listen f"
    " JOIN dim_song s ON s.song_key = f.song_key JOIN dim_artist a ON a.artist_key = f.artist_key"
    " WHERE f.date_key >= $1 AND f.date_key < $2 GROUP BY a.name, s.title"
    " ORDER BY 3 DESC, s.title {collate}, a.name {collate} LIMIT $3";

// Users without names (a userId with no name fields: both optional) rank after named ones of
// the same hours: NULLs sort last on PostgreSQL but first on SQLite, hence the explicit IS NULL.
constexpr std::string_view kUsers =
    "SELECT f.user_id, u.first_name, u.last_name, count(*), sum(f.duration_s) / 3600.0"
    " FROM fact_listen f LEFT JOIN dim_user u ON u.user_id = f.user_id AND u.is_current"
    " WHERE f.date_key >= $1 AND f.date_key < $2 AND f.user_id IS NOT NULL"
    " AND (CAST($4 AS BIGINT) IS NULL OR f.user_id = CAST($4 AS BIGINT))"
    " GROUP BY f.user_id, u.first_name, u.last_name"
    " ORDER BY 5 DESC, u.first_name IS NULL, u.first_name {collate}, u.last_name IS NULL,"
    " u.last_name {collate}, f.user_id LIMIT $3";

std::int64_t to_int(const std::optional<std::string>& s) {
  std::int64_t v = 0;
  if (!s) return 0;
  const auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc() || ptr != s->data() + s->size()) {
    throw std::runtime_error("unexpected integer from the warehouse: " + *s);
  }
  return v;
}

double to_double(const std::optional<std::string>& s) {
  if (!s) return 0;
  return std::stod(*s);
}

std::string to_string(const std::optional<std::string>& s) {
  return s.value_or("");
}

}  // namespace

Report run_report(SqlConnection& connection, const ReportOptions& options) {
  const auto from = parse_date_key(options.period.from);
  if (!from)
    throw std::invalid_argument("--from '" + options.period.from + "' is not a YYYY-MM-DD date");
  const auto to = parse_date_key(options.period.to);
  if (!to) throw std::invalid_argument("--to '" + options.period.to + "' is not a YYYY-MM-DD date");
  if (*from >= *to) {
    throw std::invalid_argument("empty period: --from " + options.period.from +
                                " must be before --to " + options.period.to +
                                " (the period is [from, to))");
  }
  if (options.top < 1) throw std::invalid_argument("--top must be at least 1");

  if (options.user_id) {
    const SqlValue id[] = {*options.user_id};
    if (connection.query("SELECT 1 FROM dim_user WHERE user_id = $1 AND is_current", id).empty()) {
      throw std::invalid_argument("--user " + std::to_string(*options.user_id) +
                                  ": no such user in the warehouse");
    }
  }

  const Dialect dialect = connection.dialect();
  const SqlValue user = options.user_id ? SqlValue(*options.user_id) : SqlValue();
  const SqlValue params[] = {std::int64_t{*from}, std::int64_t{*to}, options.top, user};
  const std::span<const SqlValue> three(params, 3);

  Report report;
  report.period = options.period;
  for (const SqlRow& r :
       connection.query(with_collation(std::string(kLocations), dialect), three)) {
    report.top_locations.push_back({to_string(r[0]), to_string(r[1]), to_int(r[2]), to_int(r[3]),
                                    to_double(r[4]), to_int(r[5]), to_int(r[6])});
  }
  for (const SqlRow& r : connection.query(with_collation(std::string(kSongs), dialect), three)) {
    report.top_songs.push_back({to_string(r[0]), to_string(r[1]), to_int(r[2]), to_int(r[3])});
  }
  for (const SqlRow& r : connection.query(with_collation(std::string(kUsers), dialect), params)) {
    report.user_listening.push_back({to_int(r[0]), r[1], r[2], to_int(r[3]), to_double(r[4])});
  }
  return report;
}

}  // namespace tributary::warehouse
