#include "warehouse/report.h"

#include <charconv>
#include <chrono>
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

// Each answer ranks by the marts' additive measures (summed over the period's days), then counts
// the distinct values of the rows shown from the marts' distinct sets: a distinct count over a
// period cannot be summed from daily counts, but only `top` rows need one. A shown row's keys
// (the songs or locations behind one name) are looked up first, so each count is an index seek
// per key (migration 0021); joined to the sets instead, PostgreSQL rescanned `top` per member.
constexpr std::string_view kLocations =
    "WITH top AS ("
    "  SELECT l.city, l.state, sum(m.page_views) AS page_views, sum(m.listens) AS listens,"
    "  sum(m.listening_seconds) AS seconds"
    "  FROM mart_location_daily m JOIN dim_location l ON l.location_key = m.location_key"
    "  WHERE m.date_key >= $1 AND m.date_key < $2 GROUP BY l.city, l.state"
    "  ORDER BY 3 DESC, 4 DESC, l.city {collate}, l.state {collate} LIMIT $3),"
    " shown AS (SELECT l.location_key, t.city, t.state FROM top t"
    "  JOIN dim_location l ON l.city = t.city AND l.state = t.state)"
    " SELECT t.city, t.state, t.page_views, t.listens, t.seconds / 3600.0,"
    "  (SELECT count(DISTINCT u.user_id) FROM mart_location_daily_user u"
    "   WHERE u.location_key IN (SELECT k.location_key FROM shown k"
    "    WHERE k.city = t.city AND k.state = t.state)"
    "   AND u.date_key >= $1 AND u.date_key < $2),"
    "  (SELECT count(DISTINCT s.session_id) FROM mart_location_daily_session s"
    "   WHERE s.location_key IN (SELECT k.location_key FROM shown k"
    "    WHERE k.city = t.city AND k.state = t.state)"
    "   AND s.date_key >= $1 AND s.date_key < $2)"
    " FROM top t ORDER BY 3 DESC, 4 DESC, t.city {collate}, t.state {collate}";

constexpr std::string_view kSongs =
    "WITH top AS ("
    "  SELECT a.name AS artist, s.title, sum(m.plays) AS plays"
    "  FROM mart_song_daily m JOIN dim_song s ON s.song_key = m.song_key"
    "  JOIN dim_artist a ON a.artist_key = s.artist_key"
    "  WHERE m.date_key >= $1 AND m.date_key < $2 GROUP BY a.name, s.title"
    "  ORDER BY 3 DESC, s.title {collate}, a.name {collate} LIMIT $3),"
    " shown AS (SELECT s.song_key, t.artist, t.title FROM top t"
    "  JOIN dim_artist a ON a.name = t.artist"
    "  JOIN dim_song s ON s.artist_key = a.artist_key AND s.title = t.title)"
    " SELECT t.artist, t.title, t.plays,"
    "  (SELECT count(DISTINCT l.user_id) FROM mart_song_daily_listener l"
    "   WHERE l.song_key IN (SELECT k.song_key FROM shown k"
    "    WHERE k.artist = t.artist AND k.title = t.title)"
    "   AND l.date_key >= $1 AND l.date_key < $2)"
    " FROM top t ORDER BY 3 DESC, t.title {collate}, t.artist {collate}";

// Users without names (a userId with no name fields: both optional) rank after named ones of
// the same hours: NULLs sort last on PostgreSQL but first on SQLite, hence the explicit IS NULL.
// Names only break ties, so they are joined only for the users at or above the `top`-th one's
// hours (a user's current version is a seek each), not for every user of the period.
constexpr std::string_view kUsers =
    "WITH per_user AS MATERIALIZED ("
    "  SELECT user_id, sum(plays) AS plays, sum(listening_seconds) AS seconds"
    "  FROM mart_user_daily WHERE date_key >= $1 AND date_key < $2"
    "  AND (CAST($4 AS BIGINT) IS NULL OR user_id = CAST($4 AS BIGINT)) GROUP BY user_id),"
    " cut AS (SELECT seconds FROM per_user ORDER BY seconds DESC"
    "  LIMIT 1 OFFSET CAST($3 AS BIGINT) - 1)"
    " SELECT p.user_id, u.first_name, u.last_name, p.plays, p.seconds / 3600.0"
    " FROM per_user p LEFT JOIN dim_user u ON u.user_id = p.user_id AND u.is_current"
    " WHERE p.seconds >= coalesce((SELECT seconds FROM cut), -1)"
    " ORDER BY 5 DESC, u.first_name IS NULL, u.first_name {collate}, u.last_name IS NULL,"
    " u.last_name {collate}, p.user_id LIMIT $3";

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

std::optional<std::int64_t> newest_event_day_ms(SqlConnection& connection) {
  const std::optional<std::string> key =
      connection.query("SELECT max(date_key) FROM dim_date").at(0).at(0);
  if (!key) return std::nullopt;
  const int date_key = std::stoi(*key);
  namespace chr = std::chrono;
  const chr::sys_days day{chr::year(date_key / 10000) / (date_key / 100 % 100) / (date_key % 100)};
  return chr::duration_cast<chr::milliseconds>(day.time_since_epoch()).count();
}

}  // namespace tributary::warehouse
