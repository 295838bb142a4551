#include "warehouse/load_statements.h"

#include <array>

#include "warehouse/staging.h"

namespace tributary::warehouse {
namespace {

using event::Stream;

// Replaces every "{stage}" in `sql` with the stream's staging table.
std::string on_stage(std::string sql, Stream stream) {
  const std::string table = staging_table(stream);
  constexpr std::string_view kMark = "{stage}";
  for (std::size_t pos = sql.find(kMark); pos != std::string::npos; pos = sql.find(kMark, pos)) {
    sql.replace(pos, kMark.size(), table);
  }
  return sql;
}

constexpr std::string_view kLocationJoin =
    " JOIN dim_location l ON l.city = s.city AND l.state = s.state AND l.zip = s.zip"
    " AND l.lat = s.lat AND l.lon = s.lon";

// Every insert that can meet a concurrent loader's uncommitted rows (ON CONFLICT waits for them)
// goes in key order, so two loaders wait for each other in the same order and cannot deadlock.
constexpr std::string_view kFactOrder = " ORDER BY s.date_key, s.event_key ON CONFLICT DO NOTHING";

constexpr std::string_view kInsertLocations =
    "INSERT INTO dim_location (city, state, zip, lat, lon)"
    " SELECT DISTINCT city, state, zip, lat, lon FROM {stage} WHERE true"
    " ORDER BY city, state, zip, lat, lon ON CONFLICT DO NOTHING";

constexpr std::string_view kInsertArtists =
    "INSERT INTO dim_artist (name) SELECT DISTINCT artist FROM {stage}"
    " WHERE artist IS NOT NULL ORDER BY artist ON CONFLICT DO NOTHING";

constexpr std::string_view kInsertSongs =
    "INSERT INTO dim_song (artist_key, title, duration_s)"
    " SELECT DISTINCT a.artist_key, s.song, s.duration FROM {stage} s"
    " JOIN dim_artist a ON a.name = s.artist"
    " WHERE s.song IS NOT NULL AND s.duration IS NOT NULL"
    " ORDER BY a.artist_key, s.song, s.duration ON CONFLICT DO NOTHING";

constexpr std::string_view kInsertObservations =
    "INSERT INTO user_level_observation"
    " (user_id, ts, level, first_name, last_name, gender, registration)"
    " SELECT user_id, ts, level, first_name, last_name, gender, registration FROM {stage}"
    " WHERE user_id IS NOT NULL ORDER BY user_id, ts, level ON CONFLICT DO NOTHING";

// Location mart rows: page views and listens together, so distinct users and sessions are exact.
const std::array<std::string_view, 2> kLocationMart = {
    "DELETE FROM mart_location_daily WHERE EXISTS (SELECT 1 FROM affected_location_day x"
    " WHERE x.date_key = mart_location_daily.date_key"
    " AND x.location_key = mart_location_daily.location_key)",
    "INSERT INTO mart_location_daily"
    " (date_key, location_key, page_views, listens, listening_seconds, users, sessions)"
    " SELECT a.date_key, a.location_key, sum(a.page_view), sum(a.listen), sum(a.seconds),"
    " count(DISTINCT a.user_id), count(DISTINCT a.session_id) FROM ("
    "  SELECT f.date_key, f.location_key, 1 AS page_view, 0 AS listen, 0.0 AS seconds,"
    "  f.user_id, f.session_id FROM fact_page_view f JOIN affected_location_day x"
    "  ON x.date_key = f.date_key AND x.location_key = f.location_key"
    "  UNION ALL"
    "  SELECT f.date_key, f.location_key, 0, 1, f.duration_s, f.user_id, f.session_id"
    "  FROM fact_listen f JOIN affected_location_day x"
    "  ON x.date_key = f.date_key AND x.location_key = f.location_key"
    " ) a GROUP BY a.date_key, a.location_key",
};

std::string capture_locations(Stream stream) {
  return on_stage(
      "INSERT INTO affected_location_day (date_key, location_key)"
      " SELECT DISTINCT s.date_key, l.location_key FROM {stage} s" +
          std::string(kLocationJoin),
      stream);
}

std::vector<std::string> dimensions(Stream stream, bool songs) {
  std::vector<std::string> out = {on_stage(std::string(kInsertLocations), stream)};
  if (songs) {
    out.push_back(on_stage(std::string(kInsertArtists), stream));
    out.push_back(on_stage(std::string(kInsertSongs), stream));
  }
  return out;
}

StreamLoadSql listen_sql() {
  const Stream st = Stream::kListen;
  StreamLoadSql sql;
  sql.dimensions = dimensions(st, true);
  sql.facts = on_stage(
      "INSERT INTO fact_listen (event_key, ts, date_key, hour, session_id, item_in_session,"
      " user_id, location_key, artist_key, song_key, duration_s, level, auth, user_agent)"
      " SELECT s.event_key, s.ts, s.date_key, s.hour, s.session_id, s.item_in_session, s.user_id,"
      " l.location_key, a.artist_key, so.song_key, s.duration, s.level, s.auth, s.user_agent"
      " FROM {stage} s" +
          std::string(kLocationJoin) +
          " JOIN dim_artist a ON a.name = s.artist"
          " JOIN dim_song so ON so.artist_key = a.artist_key AND so.title = s.song"
          " AND so.duration_s = s.duration WHERE true" +
          std::string(kFactOrder),
      st);
  sql.observations = on_stage(std::string(kInsertObservations), st);
  sql.marts = {
      "DELETE FROM affected_song_day",
      on_stage("INSERT INTO affected_song_day (date_key, song_key)"
               " SELECT DISTINCT s.date_key, so.song_key FROM {stage} s"
               " JOIN dim_artist a ON a.name = s.artist"
               " JOIN dim_song so ON so.artist_key = a.artist_key AND so.title = s.song"
               " AND so.duration_s = s.duration",
               st),
      "DELETE FROM mart_song_daily WHERE EXISTS (SELECT 1 FROM affected_song_day x"
      " WHERE x.date_key = mart_song_daily.date_key AND x.song_key = mart_song_daily.song_key)",
      "INSERT INTO mart_song_daily (date_key, song_key, plays, listeners)"
      " SELECT f.date_key, f.song_key, count(*), count(DISTINCT f.user_id) FROM fact_listen f"
      " JOIN affected_song_day x ON x.date_key = f.date_key AND x.song_key = f.song_key"
      " GROUP BY f.date_key, f.song_key",
      "DELETE FROM affected_user_day",
      on_stage("INSERT INTO affected_user_day (date_key, user_id)"
               " SELECT DISTINCT date_key, user_id FROM {stage} WHERE user_id IS NOT NULL",
               st),
      "DELETE FROM mart_user_daily WHERE EXISTS (SELECT 1 FROM affected_user_day x"
      " WHERE x.date_key = mart_user_daily.date_key AND x.user_id = mart_user_daily.user_id)",
      "INSERT INTO mart_user_daily (date_key, user_id, plays, listening_seconds)"
      " SELECT f.date_key, f.user_id, count(*), sum(f.duration_s) FROM fact_listen f"
      " JOIN affected_user_day x ON x.date_key = f.date_key AND x.user_id = f.user_id"
      " GROUP BY f.date_key, f.user_id",
      "DELETE FROM affected_location_day",
      capture_locations(st),
      std::string(kLocationMart[0]),
      std::string(kLocationMart[1]),
  };
  return sql;
}

StreamLoadSql page_view_sql() {
  const Stream st = Stream::kPageView;
  StreamLoadSql sql;
  sql.dimensions = dimensions(st, true);
  sql.facts = on_stage(
      "INSERT INTO fact_page_view (event_key, ts, date_key, hour, session_id, item_in_session,"
      " user_id, location_key, artist_key, song_key, duration_s, page, method, status, level, auth,"
      " user_agent)"
      " SELECT s.event_key, s.ts, s.date_key, s.hour, s.session_id, s.item_in_session, s.user_id,"
      " l.location_key, a.artist_key, so.song_key, s.duration, s.page, s.method, s.status,"
      " s.level, s.auth, s.user_agent FROM {stage} s" +
          std::string(kLocationJoin) +
          " LEFT JOIN dim_artist a ON a.name = s.artist"
          " LEFT JOIN dim_song so ON so.artist_key = a.artist_key AND so.title = s.song"
          " AND so.duration_s = s.duration WHERE true" +
          std::string(kFactOrder),
      st);
  sql.observations = on_stage(std::string(kInsertObservations), st);
  sql.marts = {
      "DELETE FROM affected_location_day",
      capture_locations(st),
      std::string(kLocationMart[0]),
      std::string(kLocationMart[1]),
  };
  return sql;
}

StreamLoadSql auth_sql() {
  const Stream st = Stream::kAuth;
  StreamLoadSql sql;
  sql.dimensions = dimensions(st, false);
  sql.facts = on_stage(
      "INSERT INTO fact_auth (event_key, ts, date_key, hour, session_id, item_in_session,"
      " user_id, location_key, success, level, user_agent)"
      " SELECT s.event_key, s.ts, s.date_key, s.hour, s.session_id, s.item_in_session, s.user_id,"
      " l.location_key, s.success, s.level, s.user_agent FROM {stage} s" +
          std::string(kLocationJoin) + " WHERE true" + std::string(kFactOrder),
      st);
  sql.observations = on_stage(std::string(kInsertObservations), st);
  return sql;
}

StreamLoadSql status_change_sql() {
  const Stream st = Stream::kStatusChange;
  StreamLoadSql sql;
  sql.dimensions = dimensions(st, false);
  sql.facts = on_stage(
      "INSERT INTO fact_status_change (event_key, ts, date_key, hour, session_id,"
      " item_in_session, user_id, location_key, level, auth, user_agent)"
      " SELECT s.event_key, s.ts, s.date_key, s.hour, s.session_id, s.item_in_session, s.user_id,"
      " l.location_key, s.level, s.auth, s.user_agent FROM {stage} s" +
          std::string(kLocationJoin) + " WHERE true" + std::string(kFactOrder),
      st);
  sql.observations = on_stage(std::string(kInsertObservations), st);
  return sql;
}

}  // namespace

const StreamLoadSql& load_sql(Stream stream) {
  static const std::array<StreamLoadSql, event::kStreamCount> kSql = {
      listen_sql(), page_view_sql(), auth_sql(), status_change_sql()};
  return kSql[static_cast<std::size_t>(stream)];
}

std::vector<std::string> scratch_ddl(Dialect dialect) {
  const std::string key = dialect == Dialect::kPostgres ? "bigint" : "INTEGER";
  return {
      "CREATE TEMP TABLE IF NOT EXISTS affected_user (user_id " + key + " PRIMARY KEY, since " +
          key + " NOT NULL, level_before text)",
      "CREATE TEMP TABLE IF NOT EXISTS affected_song_day (date_key " + key + ", song_key " + key +
          ", PRIMARY KEY (date_key, song_key))",
      "CREATE TEMP TABLE IF NOT EXISTS affected_user_day (date_key " + key + ", user_id " + key +
          ", PRIMARY KEY (date_key, user_id))",
      "CREATE TEMP TABLE IF NOT EXISTS affected_location_day (date_key " + key + ", location_key " +
          key + ", PRIMARY KEY (date_key, location_key))",
  };
}

std::vector<std::string> rebuild_dim_user_sql(Stream stream) {
  return {
      "DELETE FROM affected_user",
      // History before a user's earliest staged event cannot change. Each user is rebuilt from
      // `since`, the last observation strictly before that event (0 when there is none: the
      // whole history), whose level, `level_before`, is the level of the version containing it.
      // So the cost of a load is the users' history from the batch on, not all of it.
      on_stage("INSERT INTO affected_user (user_id, since)"
               " SELECT user_id, min(ts) FROM {stage} WHERE user_id IS NOT NULL GROUP BY user_id",
               stream),
      "UPDATE affected_user SET since = coalesce((SELECT max(o.ts) FROM user_level_observation o"
      " WHERE o.user_id = affected_user.user_id AND o.ts < affected_user.since), 0)",
      "UPDATE affected_user SET level_before = (SELECT d.level FROM dim_user d"
      " WHERE d.user_id = affected_user.user_id AND d.valid_from <= affected_user.since"
      " AND affected_user.since < d.valid_to)",
      "DELETE FROM dim_user WHERE EXISTS (SELECT 1 FROM affected_user x"
      " WHERE x.user_id = dim_user.user_id AND dim_user.valid_from > x.since)",
      // A version starts at every observation whose level differs from the previous one in
      // event-time order, and ends where the next version starts. Two levels at the very same
      // instant keep one ("paid" over "free"), so the result does not depend on arrival order.
      "INSERT INTO dim_user (user_id, level, valid_from, valid_to, is_current)"
      " SELECT user_id, level, ts, coalesce(lead(ts) OVER w, 253402300800000),"
      " lead(ts) OVER w IS NULL"
      " FROM (SELECT p.*,"
      "  coalesce(lag(level) OVER (PARTITION BY user_id ORDER BY ts), level_before) AS previous"
      "  FROM (SELECT o.user_id, o.ts, o.level, x.level_before,"
      "   row_number() OVER (PARTITION BY o.user_id, o.ts ORDER BY o.level DESC) AS nth"
      "   FROM user_level_observation o JOIN affected_user x"
      "   ON x.user_id = o.user_id AND o.ts > x.since) p"
      "  WHERE nth = 1) v"
      " WHERE previous IS NULL OR previous <> level"
      " WINDOW w AS (PARTITION BY user_id ORDER BY ts)",
      // The kept version containing `since` now ends where the first rebuilt one starts.
      "UPDATE dim_user SET"
      " valid_to = coalesce((SELECT min(n.valid_from) FROM dim_user n"
      "  WHERE n.user_id = dim_user.user_id AND n.valid_from > dim_user.valid_from),"
      "  253402300800000),"
      " is_current = NOT EXISTS (SELECT 1 FROM dim_user n"
      "  WHERE n.user_id = dim_user.user_id AND n.valid_from > dim_user.valid_from)"
      " WHERE EXISTS (SELECT 1 FROM affected_user x WHERE x.user_id = dim_user.user_id"
      " AND dim_user.valid_from <= x.since AND x.since < dim_user.valid_to)",
      // Names, gender and registration are type-1 attributes: every version carries the values
      // of the user's latest observation (same tie rule as above).
      "UPDATE dim_user SET (first_name, last_name, gender, registration) ="
      " (SELECT o.first_name, o.last_name, o.gender, o.registration FROM user_level_observation o"
      "  WHERE o.user_id = dim_user.user_id ORDER BY o.ts DESC, o.level DESC LIMIT 1)"
      " WHERE user_id IN (SELECT user_id FROM affected_user)",
  };
}

}  // namespace tributary::warehouse
