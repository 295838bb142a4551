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

// Facts go in key order: the unique index's pages are then visited in order, and two loaders
// meeting each other's uncommitted rows would wait in the same order (loads take turns anyway,
// see Warehouse::serialize_loads).
constexpr std::string_view kFactOrder = " ORDER BY s.date_key, s.event_key";

constexpr std::string_view kInsertObservations =
    "INSERT INTO user_level_observation (user_id, ts, level)"
    " SELECT user_id, ts, level FROM {stage} WHERE user_id IS NOT NULL ORDER BY user_id, ts, level";

// Each loaded user's latest names, gender and registration (staged_profile, see
// user_history.h) replace the stored ones when they come from a later event (at the same
// instant: "paid" over "free"), so the profile is that of the latest observation whatever the
// order events arrive in.
constexpr std::string_view kUpsertProfiles =
    "INSERT INTO user_profile"
    " (user_id, observed_at, observed_level, first_name, last_name, gender, registration)"
    " SELECT user_id, observed_at, observed_level, first_name, last_name, gender, registration"
    " FROM staged_profile WHERE true ORDER BY user_id"
    " ON CONFLICT (user_id) DO UPDATE SET observed_at = excluded.observed_at,"
    " observed_level = excluded.observed_level, first_name = excluded.first_name,"
    " last_name = excluded.last_name, gender = excluded.gender,"
    " registration = excluded.registration"
    " WHERE (excluded.observed_at, excluded.observed_level)"
    " > (user_profile.observed_at, user_profile.observed_level)";

// Sets a stream's fact insert (a plain INSERT ... SELECT, which fails on a key already stored)
// as the optimistic `facts`, and wraps it into the exact path, which skips stored keys (ON
// CONFLICT DO NOTHING) and leaves the staging table holding exactly the rows it added, so that
// the marts count each event once. Loads never overlap (SQLite has one writer; PostgreSQL loads
// hold an advisory lock), so nothing is loaded in between.
//   SQLite: delete the staged rows whose facts exist (an index probe each), then insert.
//   PostgreSQL: insert, collecting the added keys, then delete the other staged rows. Each step
//   is a unique-index probe or a join of two batch-sized tables, whatever the planner thinks of
//   the fact partitions' statistics (a semi-join that scanned a month's facts would make every
//   load as slow as the month is large).
// The exact path costs PostgreSQL 1.4x the plain insert for ON CONFLICT (a speculative insertion
// per row) and a quarter more for the keys it collects, which is why it is not the first try.
void add_fact_steps(StreamLoadSql& sql, Stream stream, std::string_view fact_table,
                    const std::string& insert, Dialect dialect) {
  sql.facts = insert;
  const std::string skipping_stored = insert + " ON CONFLICT DO NOTHING";
  if (dialect == Dialect::kSqlite) {
    sql.before_exact_facts = {on_stage("DELETE FROM {stage} WHERE EXISTS (SELECT 1 FROM " +
                                           std::string(fact_table) +
                                           " f WHERE f.date_key = {stage}.date_key"
                                           " AND f.event_key = {stage}.event_key)",
                                       stream)};
    sql.exact_facts = skipping_stored;
    return;
  }
  sql.before_exact_facts = {"DELETE FROM new_fact_key"};
  sql.exact_facts = "WITH added AS (" + skipping_stored +
                    " RETURNING event_key) INSERT INTO new_fact_key (event_key)"
                    " SELECT event_key FROM added";
  sql.after_exact_facts = {
      on_stage("DELETE FROM {stage} WHERE NOT EXISTS (SELECT 1 FROM new_fact_key n"
               " WHERE n.event_key = {stage}.event_key)",
               stream)};
}

// A listen and its NextSong page view share (user, ts, level), so whichever of the two streams
// loads second meets the other's points: half the loads. A plain insert tried first (ON CONFLICT
// costs 1.4x on PostgreSQL) failed there part-way, redid the work, and left the rows it had
// inserted dead, which cost as much as it saved; so observations always skip stored points.
void add_observation_steps(StreamLoadSql& sql, Stream stream) {
  sql.observations = on_stage(std::string(kInsertObservations), stream) + " ON CONFLICT DO NOTHING";
  sql.profiles = std::string(kUpsertProfiles);
}

// The members of a day's distinct-count set that the staged rows add: `set_table` holds the set
// (date_key, <group>, <member>), `scratch` receives the new members, which then join the set.
// `source` selects the staged rows' (date_key, group, member) as d, g, m.
std::vector<std::string> new_members(Stream stream, Dialect dialect, std::string_view scratch,
                                     std::string_view set_table, std::string_view group,
                                     std::string_view member, const std::string& source) {
  const std::string columns = "date_key, " + std::string(group) + ", " + std::string(member);
  if (dialect == Dialect::kPostgres) {
    // The set's unique index decides what is new (ON CONFLICT), not a plan over its statistics.
    return {
        "DELETE FROM " + std::string(scratch),
        on_stage("WITH added AS (INSERT INTO " + std::string(set_table) + " (" + columns +
                     ") SELECT DISTINCT n.d, n.g, n.m FROM (" + source +
                     ") n ORDER BY 1, 2, 3 ON CONFLICT DO NOTHING RETURNING " + columns +
                     ") INSERT INTO " + std::string(scratch) + " (" + columns + ") SELECT " +
                     columns + " FROM added",
                 stream),
    };
  }
  return {
      "DELETE FROM " + std::string(scratch),
      on_stage("INSERT INTO " + std::string(scratch) + " (" + columns +
                   ") SELECT n.d, n.g, n.m FROM (" + source +
                   ") n WHERE NOT EXISTS"
                   " (SELECT 1 FROM " +
                   std::string(set_table) + " p WHERE p.date_key = n.d AND p." +
                   std::string(group) + " = n.g AND p." + std::string(member) +
                   " = n.m) ON CONFLICT DO NOTHING",
               stream),
      "INSERT INTO " + std::string(set_table) + " (" + columns + ") SELECT " + columns + " FROM " +
          std::string(scratch) + " WHERE true ORDER BY " + columns,
  };
}

// Location marts: page views and listens of the staged rows added to each (day, location), with
// the users and sessions that are new to it. `row_counts` is what one staged row adds, as
// page_views, listens, seconds.
std::vector<std::string> location_mart(Stream stream, Dialect dialect,
                                       std::string_view row_counts) {
  std::vector<std::string> out = new_members(
      stream, dialect, "new_location_user", "mart_location_daily_user", "location_key", "user_id",
      "SELECT s.date_key AS d, s.location_key AS g, s.user_id AS m FROM {stage} s"
      " WHERE s.user_id IS NOT NULL");
  for (std::string& s : new_members(stream, dialect, "new_location_session",
                                    "mart_location_daily_session", "location_key", "session_id",
                                    "SELECT s.date_key AS d, s.location_key AS g,"
                                    " s.session_id AS m FROM {stage} s")) {
    out.push_back(std::move(s));
  }
  // One aggregate over the staged rows and the new members, with no join between them: a join
  // would be planned on estimates, and a misestimate makes it quadratic in the batch.
  out.push_back(on_stage(
      "INSERT INTO mart_location_daily"
      " (date_key, location_key, page_views, listens, listening_seconds, users, sessions)"
      " SELECT date_key, location_key, sum(page_views), sum(listens), sum(seconds), sum(users),"
      " sum(sessions) FROM ("
      "  SELECT s.date_key, s.location_key, " +
          std::string(row_counts) +
          ", 0 AS users, 0 AS sessions FROM {stage} s"
          "  UNION ALL SELECT date_key, location_key, 0, 0, 0.0, 1, 0 FROM new_location_user"
          "  UNION ALL SELECT date_key, location_key, 0, 0, 0.0, 0, 1 FROM new_location_session"
          " ) a WHERE true GROUP BY date_key, location_key ORDER BY date_key, location_key"
          " ON CONFLICT (date_key, location_key) DO UPDATE SET"
          " page_views = mart_location_daily.page_views + excluded.page_views,"
          " listens = mart_location_daily.listens + excluded.listens,"
          " listening_seconds = mart_location_daily.listening_seconds + excluded.listening_seconds,"
          " users = mart_location_daily.users + excluded.users,"
          " sessions = mart_location_daily.sessions + excluded.sessions",
      stream));
  return out;
}

// A fact insert: the staged rows' columns `select` (the staged keys and measures, as the fact
// table's `columns` name them), in key order.
std::string fact_insert(Stream stream, std::string_view table, std::string_view columns,
                        std::string_view select) {
  return on_stage("INSERT INTO " + std::string(table) + " (" + std::string(columns) + ") SELECT " +
                      std::string(select) + " FROM {stage} s WHERE true" + std::string(kFactOrder),
                  stream);
}

StreamLoadSql listen_sql(Dialect dialect) {
  const Stream st = Stream::kListen;
  StreamLoadSql sql;
  add_fact_steps(sql, st, "fact_listen",
                 fact_insert(st, "fact_listen",
                             "event_key, ts, date_key, session_id, item_in_session, user_id,"
                             " location_key, song_key, duration_s, level_key, auth_key,"
                             " user_agent_key",
                             "s.event_key, s.ts, s.date_key, s.session_id, s.item_in_session,"
                             " s.user_id, s.location_key, s.song_key, s.duration, s.level_key,"
                             " s.auth_key, s.user_agent_key"),
                 dialect);
  add_observation_steps(sql, st);
  sql.marts = new_members(st, dialect, "new_song_listener", "mart_song_daily_listener", "song_key",
                          "user_id",
                          "SELECT s.date_key AS d, s.song_key AS g, s.user_id AS m FROM {stage} s"
                          " WHERE s.user_id IS NOT NULL");
  // One aggregate, no join: see location_mart.
  sql.marts.push_back(
      on_stage("INSERT INTO mart_song_daily (date_key, song_key, plays, listeners)"
               " SELECT date_key, song_key, sum(plays), sum(listeners) FROM ("
               "  SELECT s.date_key, s.song_key, 1 AS plays, 0 AS listeners FROM {stage} s"
               "  UNION ALL SELECT date_key, song_key, 0, 1 FROM new_song_listener"
               " ) a WHERE true GROUP BY date_key, song_key ORDER BY date_key, song_key"
               " ON CONFLICT (date_key, song_key) DO UPDATE SET"
               " plays = mart_song_daily.plays + excluded.plays,"
               " listeners = mart_song_daily.listeners + excluded.listeners",
               st));
  sql.marts.push_back(on_stage(
      "INSERT INTO mart_user_daily (date_key, user_id, plays, listening_seconds)"
      " SELECT date_key, user_id, count(*), sum(duration) FROM {stage}"
      " WHERE user_id IS NOT NULL GROUP BY date_key, user_id ORDER BY date_key, user_id"
      " ON CONFLICT (date_key, user_id) DO UPDATE SET"
      " plays = mart_user_daily.plays + excluded.plays,"
      " listening_seconds = mart_user_daily.listening_seconds + excluded.listening_seconds",
      st));
  for (std::string& s :
       location_mart(st, dialect, "0 AS page_views, 1 AS listens, s.duration AS seconds")) {
    sql.marts.push_back(std::move(s));
  }
  return sql;
}

StreamLoadSql page_view_sql(Dialect dialect) {
  const Stream st = Stream::kPageView;
  StreamLoadSql sql;
  add_fact_steps(sql, st, "fact_page_view",
                 fact_insert(st, "fact_page_view",
                             "event_key, ts, date_key, session_id, item_in_session, user_id,"
                             " location_key, song_key, page_key, method_key, status, level_key,"
                             " auth_key, user_agent_key",
                             "s.event_key, s.ts, s.date_key, s.session_id, s.item_in_session,"
                             " s.user_id, s.location_key, s.song_key, s.page_key, s.method_key,"
                             " s.status, s.level_key, s.auth_key, s.user_agent_key"),
                 dialect);
  add_observation_steps(sql, st);
  sql.marts = location_mart(st, dialect, "1 AS page_views, 0 AS listens, 0.0 AS seconds");
  return sql;
}

StreamLoadSql auth_sql(Dialect dialect) {
  const Stream st = Stream::kAuth;
  StreamLoadSql sql;
  add_fact_steps(sql, st, "fact_auth",
                 fact_insert(st, "fact_auth",
                             "event_key, ts, date_key, session_id, item_in_session, user_id,"
                             " location_key, success, level_key, user_agent_key",
                             "s.event_key, s.ts, s.date_key, s.session_id, s.item_in_session,"
                             " s.user_id, s.location_key, s.success, s.level_key,"
                             " s.user_agent_key"),
                 dialect);
  add_observation_steps(sql, st);
  return sql;
}

StreamLoadSql status_change_sql(Dialect dialect) {
  const Stream st = Stream::kStatusChange;
  StreamLoadSql sql;
  add_fact_steps(sql, st, "fact_status_change",
                 fact_insert(st, "fact_status_change",
                             "event_key, ts, date_key, session_id, item_in_session, user_id,"
                             " location_key, level_key, auth_key, user_agent_key",
                             "s.event_key, s.ts, s.date_key, s.session_id, s.item_in_session,"
                             " s.user_id, s.location_key, s.level_key, s.auth_key,"
                             " s.user_agent_key"),
                 dialect);
  add_observation_steps(sql, st);
  return sql;
}

}  // namespace

const StreamLoadSql& load_sql(Stream stream, Dialect dialect) {
  using Streams = std::array<StreamLoadSql, event::kStreamCount>;
  const auto streams = [](Dialect d) {
    return Streams{listen_sql(d), page_view_sql(d), auth_sql(d), status_change_sql(d)};
  };
  static const std::array<Streams, 2> kSql = {streams(Dialect::kSqlite),
                                              streams(Dialect::kPostgres)};
  return kSql[dialect == Dialect::kSqlite ? 0 : 1][static_cast<std::size_t>(stream)];
}

std::vector<std::string> scratch_ddl(Dialect dialect) {
  const std::string key = dialect == Dialect::kPostgres ? "bigint" : "INTEGER";
  const std::string time = dialect == Dialect::kPostgres ? "timestamptz" : "INTEGER";
  std::vector<std::string> ddl = {
      "CREATE TEMP TABLE IF NOT EXISTS affected_user (user_id " + key + " PRIMARY KEY, since " +
          time + " NOT NULL, level_before text)",
      "CREATE TEMP TABLE IF NOT EXISTS rebuilt_version (user_id " + key +
          ", level text, valid_from " + time + ", valid_to " + time + ", is_current " +
          (dialect == Dialect::kPostgres ? "boolean" : "INTEGER") +
          ", PRIMARY KEY (user_id, valid_from))",
      "CREATE TEMP TABLE IF NOT EXISTS staged_profile (user_id " + key +
          " PRIMARY KEY, observed_at " + time +
          " NOT NULL, observed_level text NOT NULL, first_name text, last_name text, gender text,"
          " registration " +
          time + ")",
      "CREATE TEMP TABLE IF NOT EXISTS new_song_listener (date_key " + key + ", song_key " + key +
          ", user_id " + key + ", PRIMARY KEY (date_key, song_key, user_id))",
      "CREATE TEMP TABLE IF NOT EXISTS new_location_user (date_key " + key + ", location_key " +
          key + ", user_id " + key + ", PRIMARY KEY (date_key, location_key, user_id))",
      "CREATE TEMP TABLE IF NOT EXISTS new_location_session (date_key " + key + ", location_key " +
          key + ", session_id " + key + ", PRIMARY KEY (date_key, location_key, session_id))",
  };
  if (dialect == Dialect::kPostgres) {
    ddl.push_back("CREATE TEMP TABLE IF NOT EXISTS new_fact_key (event_key uuid PRIMARY KEY)");
  }
  return ddl;
}

namespace {

DimUserRebuildSql build_rebuild_dim_user_sql(Stream stream, Dialect dialect) {
  const bool pg = dialect == Dialect::kPostgres;
  // Before every observation, and the valid_to of a current version (10000-01-01).
  const std::string origin = pg ? "timestamptz '-infinity'" : "0";
  const std::string open_end = pg ? "timestamptz '10000-01-01 00:00:00+00'" : "253402300800000";
  DimUserRebuildSql sql;
  sql.prepare = {
      "DELETE FROM affected_user",
      // A staged point whose level is that of the stored version containing it changes no
      // version: the level it repeats is its predecessor's, so it starts no version and ends
      // none (at an instant already observed, the greater level is kept, and it equals the
      // version's). Only the users with some other point are rebuilt: those whose level changed
      // or who are new, a few of a batch's users once their history has begun. History before
      // such a user's earliest changing point cannot change: the user is rebuilt from `since`,
      // the last observation strictly before it (0 when there is none: the whole history), whose
      // level, `level_before`, is the level of the version containing it.
      on_stage("INSERT INTO affected_user (user_id, since)"
               " SELECT s.user_id, min(s.ts) FROM {stage} s WHERE s.user_id IS NOT NULL"
               " AND NOT EXISTS (SELECT 1 FROM dim_user d WHERE d.user_id = s.user_id"
               " AND d.valid_from <= s.ts AND s.ts < d.valid_to AND d.level = s.level)"
               " GROUP BY s.user_id",
               stream),
      "UPDATE affected_user SET since = coalesce((SELECT max(o.ts) FROM user_level_observation o"
      " WHERE o.user_id = affected_user.user_id AND o.ts < affected_user.since), " +
          origin + ")",
      "UPDATE affected_user SET level_before = (SELECT d.level FROM dim_user d"
      " WHERE d.user_id = affected_user.user_id AND d.valid_from <= affected_user.since"
      " AND affected_user.since < d.valid_to)",
      "DELETE FROM rebuilt_version",
  };
  // CROSS JOIN: SQLite then loops over the users in key order and reads each one's observations
  // from the primary key, already in (user_id, ts, level) order; with JOIN it scanned every
  // observation ever made at every load.
  sql.observations = std::string("SELECT o.user_id, ") +
                     (pg ? "(extract(epoch FROM o.ts) * 1000)::bigint" : "o.ts") +
                     ", o.level, x.level_before FROM affected_user x"
                     " CROSS JOIN user_level_observation o"
                     " WHERE x.user_id = o.user_id AND o.ts > x.since"
                     " ORDER BY x.user_id, o.ts, o.level";
  sql.apply = {
      // The versions after `since` become the rebuilt ones. Only those that differ are deleted
      // and inserted: most loads rebuild what is there already, and rewriting it would leave a
      // dead row per version each time.
      "DELETE FROM dim_user WHERE EXISTS (SELECT 1 FROM affected_user x"
      " WHERE x.user_id = dim_user.user_id AND dim_user.valid_from > x.since)"
      " AND NOT EXISTS (SELECT 1 FROM rebuilt_version r WHERE r.user_id = dim_user.user_id"
      " AND r.valid_from = dim_user.valid_from AND r.valid_to = dim_user.valid_to"
      " AND r.level = dim_user.level)",
      "INSERT INTO dim_user (user_id, level, valid_from, valid_to, is_current, first_name,"
      " last_name, gender, registration)"
      " SELECT r.user_id, r.level, r.valid_from, r.valid_to, r.is_current, p.first_name,"
      " p.last_name, p.gender, p.registration"
      " FROM rebuilt_version r LEFT JOIN user_profile p ON p.user_id = r.user_id"
      " WHERE NOT EXISTS (SELECT 1 FROM dim_user d WHERE d.user_id = r.user_id"
      " AND d.valid_from = r.valid_from) ORDER BY r.user_id, r.valid_from",
      // The kept version containing `since` now ends where the first rebuilt one starts.
      "UPDATE dim_user SET"
      " valid_to = coalesce((SELECT min(n.valid_from) FROM dim_user n"
      "  WHERE n.user_id = dim_user.user_id AND n.valid_from > dim_user.valid_from), " +
          open_end +
          "),"
          " is_current = NOT EXISTS (SELECT 1 FROM dim_user n"
          "  WHERE n.user_id = dim_user.user_id AND n.valid_from > dim_user.valid_from)"
          " WHERE EXISTS (SELECT 1 FROM affected_user x WHERE x.user_id = dim_user.user_id"
          " AND dim_user.valid_from <= x.since AND x.since < dim_user.valid_to)"
          // Only when it changes: a version rewritten at every load of its user is a dead row each
          // time (most loads extend a user's current version and change nothing).
          " AND valid_to <> coalesce((SELECT min(n.valid_from) FROM dim_user n"
          "  WHERE n.user_id = dim_user.user_id AND n.valid_from > dim_user.valid_from), " +
          open_end + ")",
      // Names, gender and registration are type-1 attributes: every version carries the user's
      // profile (the latest observation's values), for every user the load observed, rebuilt or
      // not. Only versions that differ are written, so a load does not rewrite every version of
      // every user it touches.
      "UPDATE dim_user SET (first_name, last_name, gender, registration) ="
      " (SELECT p.first_name, p.last_name, p.gender, p.registration FROM user_profile p"
      "  WHERE p.user_id = dim_user.user_id)"
      " WHERE user_id IN (SELECT user_id FROM staged_profile) AND EXISTS (SELECT 1"
      "  FROM user_profile p WHERE p.user_id = dim_user.user_id"
      "  AND (p.first_name IS DISTINCT FROM dim_user.first_name"
      "   OR p.last_name IS DISTINCT FROM dim_user.last_name"
      "   OR p.gender IS DISTINCT FROM dim_user.gender"
      "   OR p.registration IS DISTINCT FROM dim_user.registration))",
  };
  return sql;
}

}  // namespace

const DimUserRebuildSql& rebuild_dim_user_sql(Stream stream, Dialect dialect) {
  using Streams = std::array<DimUserRebuildSql, event::kStreamCount>;
  const auto streams = [](Dialect d) {
    return Streams{build_rebuild_dim_user_sql(Stream::kListen, d),
                   build_rebuild_dim_user_sql(Stream::kPageView, d),
                   build_rebuild_dim_user_sql(Stream::kAuth, d),
                   build_rebuild_dim_user_sql(Stream::kStatusChange, d)};
  };
  static const std::array<Streams, 2> kSql = {streams(Dialect::kSqlite),
                                              streams(Dialect::kPostgres)};
  return kSql[dialect == Dialect::kSqlite ? 0 : 1][static_cast<std::size_t>(stream)];
}

}  // namespace tributary::warehouse
