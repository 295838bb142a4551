// The loader against both dialects: counts of new and duplicate rows, idempotence, order
// independence, exact marts, and the schema's migrations.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <thread>
#include <tuple>

#include "util/file.h"
#include "warehouse/migrations.h"
#include "warehouse/sqlite_connection.h"
#include "warehouse_test_support.h"

namespace tributary::warehouse {
namespace {

using event::Stream;
using testing::count;
using testing::decode_sample;
using testing::scalar;
using testing::ScratchDatabase;
using testing::slice;

std::vector<event::EventBatch> sample_batches() {
  std::vector<event::EventBatch> out;
  out.push_back(decode_sample(Stream::kListen, "listen_events.jsonl"));
  out.push_back(decode_sample(Stream::kListen, "fluentd-s3-object_2023061719_20.json"));
  out.push_back(decode_sample(Stream::kPageView, "page_view_events.jsonl"));
  out.push_back(decode_sample(Stream::kAuth, "auth_events.jsonl"));
  return out;
}

// Everything the warehouse holds, by natural keys (surrogate keys depend on arrival order), with
// sums rounded (their last bits depend on summation order).
std::vector<std::string> canonical_contents(SqlConnection& db) {
  const char* queries[] = {
      "SELECT * FROM v_listens ORDER BY event_key",
      "SELECT * FROM v_page_views ORDER BY event_key",
      "SELECT f.ts, f.date_key, f.session_id, f.item_in_session, f.user_id,"
      " f.success, lv.level, l.city, l.zip, ua.user_agent, ua.browser, ua.os FROM fact_auth f"
      " JOIN dim_location l ON l.location_key = f.location_key"
      " JOIN dim_level lv ON lv.level_key = f.level_key"
      " JOIN dim_user_agent ua ON ua.user_agent_key = f.user_agent_key"
      " ORDER BY f.date_key, f.event_key",
      "SELECT user_id, first_name, last_name, level, valid_from, valid_to, is_current"
      " FROM dim_user ORDER BY user_id, valid_from",
      "SELECT * FROM dim_date ORDER BY date_key",
      "SELECT m.date_key, a.name, s.title, s.duration_s, m.plays, m.listeners FROM mart_song_daily "
      "m"
      " JOIN dim_song s ON s.song_key = m.song_key JOIN dim_artist a ON a.artist_key = s.artist_key"
      " ORDER BY 1, 2, 3, 4",
      "SELECT m.date_key, l.city, l.state, l.zip, l.lat, l.lon, m.page_views, m.listens,"
      " round(CAST(m.listening_seconds AS numeric), 6), m.users, m.sessions"
      " FROM mart_location_daily m JOIN dim_location l ON l.location_key = m.location_key"
      " ORDER BY 1, 2, 3, 4, 5, 6",
      "SELECT date_key, user_id, plays, round(CAST(listening_seconds AS numeric), 6)"
      " FROM mart_user_daily ORDER BY 1, 2",
      "SELECT (SELECT count(*) FROM dim_location), (SELECT count(*) FROM dim_artist),"
      " (SELECT count(*) FROM dim_song), (SELECT count(*) FROM user_level_observation),"
      " (SELECT count(*) FROM dim_user_agent), (SELECT count(*) FROM dim_page)",
      "SELECT user_id, observed_at, observed_level, first_name, last_name, gender, registration"
      " FROM user_profile ORDER BY user_id",
  };
  std::vector<std::string> out;
  for (const char* q : queries) {
    out.push_back(std::string("-- ") + q);
    for (const SqlRow& row : db.query(q)) {
      std::string line;
      for (const auto& cell : row) line += cell.value_or("NULL") + '|';
      out.push_back(std::move(line));
    }
  }
  return out;
}

void expect_same_contents(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i], b[i]) << "first difference at line " << i;
  }
}

// Every mart row equals the aggregate of the facts it summarises, and no row is missing or extra.
void expect_marts_equal_aggregates_of_the_facts(SqlConnection& db) {
  EXPECT_EQ(
      scalar(db,
             "SELECT count(*) FROM (SELECT date_key, song_key, count(*) AS plays,"
             " count(DISTINCT user_id) AS listeners FROM fact_listen GROUP BY 1, 2) f"
             " FULL JOIN mart_song_daily m ON m.date_key = f.date_key AND m.song_key = f.song_key"
             " WHERE m.plays IS NULL OR f.plays IS NULL OR m.plays <> f.plays"
             " OR m.listeners <> f.listeners"),
      "0");
  EXPECT_EQ(scalar(db,
                   "SELECT count(*) FROM (SELECT date_key, user_id, count(*) AS plays,"
                   " sum(duration_s) AS seconds FROM fact_listen WHERE user_id IS NOT NULL"
                   " GROUP BY 1, 2) f FULL JOIN mart_user_daily m"
                   " ON m.date_key = f.date_key AND m.user_id = f.user_id"
                   " WHERE m.plays IS NULL OR f.plays IS NULL OR m.plays <> f.plays"
                   " OR abs(m.listening_seconds - f.seconds) > 1e-6"),
            "0");
  EXPECT_EQ(
      scalar(
          db,
          "SELECT count(*) FROM (SELECT date_key, location_key, sum(pv) AS pv,"
          " sum(li) AS li, sum(seconds) AS seconds, count(DISTINCT user_id) AS users,"
          " count(DISTINCT session_id) AS sessions FROM ("
          "  SELECT date_key, location_key, 1 AS pv, 0 AS li, 0.0 AS seconds, user_id, session_id"
          "  FROM fact_page_view UNION ALL"
          "  SELECT date_key, location_key, 0, 1, duration_s, user_id, session_id FROM "
          "fact_listen) a"
          " GROUP BY 1, 2) f FULL JOIN mart_location_daily m"
          " ON m.date_key = f.date_key AND m.location_key = f.location_key"
          " WHERE m.page_views IS NULL OR f.pv IS NULL OR m.page_views <> f.pv"
          " OR m.listens <> f.li OR abs(m.listening_seconds - f.seconds) > 1e-6"
          " OR m.users <> f.users OR m.sessions <> f.sessions"),
      "0");
  EXPECT_GT(count(db, "mart_song_daily"), 0);
  EXPECT_GT(count(db, "mart_location_daily"), 0);
}

class WarehouseLoadTest : public ::testing::TestWithParam<Dialect> {};

TEST_P(WarehouseLoadTest, MigrationsAreRecordedAndApplyOnce) {
  ScratchDatabase scratch(GetParam());
  {
    auto wh = scratch.open();
    EXPECT_EQ(count(wh->connection(), "schema_migrations"),
              static_cast<std::int64_t>(embedded_migrations(GetParam()).size()));
    EXPECT_EQ(apply_migrations(wh->connection()), 0);
  }
  auto again = scratch.open();
  EXPECT_EQ(count(again->connection(), "schema_migrations"),
            static_cast<std::int64_t>(embedded_migrations(GetParam()).size()));
}

// A connection to `scratch` whose schema is what the migrations up to `version` made, recorded
// as applied: a warehouse as an older tributary left it.
std::unique_ptr<SqlConnection> at_schema_version(const ScratchDatabase& scratch, Dialect dialect,
                                                 int version) {
  const WarehouseUri uri = parse_warehouse_uri(scratch.uri());
  std::unique_ptr<SqlConnection> raw;
  if (dialect == Dialect::kSqlite) {
    raw = std::make_unique<SqliteConnection>(uri.target);
  } else {
    raw = std::make_unique<PostgresConnection>(uri);
  }
  raw->execute_script(
      "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL,"
      " applied_at text NOT NULL)");
  for (const Migration& m : embedded_migrations(dialect)) {
    if (m.version > version) break;
    raw->execute_script(m.sql);
    const SqlValue row[] = {std::int64_t{m.version}, std::string(m.name)};
    raw->execute("INSERT INTO schema_migrations VALUES ($1, $2, 'then')", row);
  }
  return raw;
}

// A state database written by a tributary before migration 0011 (hex text keys with the batch
// of each) keeps its deduplication keys, now 16 bytes, and a batch that committed but was not
// published yet keeps its new keys, which republishing needs.
TEST_P(WarehouseLoadTest, Migration11KeepsTheKeysOfAVersion10StateDatabase) {
  ScratchDatabase scratch(GetParam());
  std::unique_ptr<SqlConnection> raw = at_schema_version(scratch, GetParam(), 10);
  const std::string a(32, 'a'), b = "0123456789abcdef0123456789abcdef", c(32, 'c');
  raw->execute_script(
      "INSERT INTO ingest_batch (batch_id, stream, worker, status, ingest_date, created_ms)"
      " VALUES ('b-published', 'listen_events', 'w', 'published', '2026-11-24', 1),"
      " ('b-committed', 'listen_events', 'w', 'committed', '2026-11-24', 2)");
  for (const auto& [key, batch] :
       {std::pair{c, "b-committed"}, std::pair{a, "b-published"}, std::pair{b, "b-committed"}}) {
    const SqlValue row[] = {key, std::string(batch)};
    raw->execute("INSERT INTO ingest_event_key (event_key, batch_id) VALUES ($1, $2)", row);
  }
  raw.reset();

  auto wh = scratch.open();
  SqlConnection& db = wh->connection();
  // Migration 0017 keeps these keys, which carry no event time, as ingest_event_key_legacy.
  EXPECT_EQ(count(db, "ingest_event_key_legacy"), 3);
  const bool postgres = GetParam() == Dialect::kPostgres;
  for (const std::string& key : {a, b, c}) {
    const SqlValue k[] = {key};
    EXPECT_EQ(db.query(postgres ? "SELECT count(*) FROM ingest_event_key_legacy"
                                  " WHERE event_key = $1::uuid"
                                : "SELECT count(*) FROM ingest_event_key_legacy"
                                  " WHERE event_key = unhex($1) AND length(event_key) = 16",
                       k)
                  .at(0)
                  .at(0),
              "1")
        << key;
  }
  // Migration 0024 keeps them as bytes.
  const std::string as_hex =
      postgres ? "encode(new_event_keys, 'hex')" : "lower(hex(new_event_keys))";
  EXPECT_EQ(scalar(db, "SELECT " + as_hex + " FROM ingest_batch WHERE batch_id = 'b-committed'"),
            b + c);
  EXPECT_EQ(scalar(db,
                   "SELECT count(*) FROM ingest_batch WHERE batch_id = 'b-published'"
                   " AND new_event_keys IS NULL"),
            "1");
}

TEST_P(WarehouseLoadTest, RefusesASchemaNewerThanItKnows) {
  ScratchDatabase scratch(GetParam());
  scratch.open()->connection().execute_script(
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 'now')");
  try {
    scratch.open();
    FAIL() << "opened a warehouse with schema version 9999";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("schema version 9999 is newer"), std::string::npos)
        << e.what();
  }
}

TEST_P(WarehouseLoadTest, CountsNewRowsThenDuplicates) {
  ScratchDatabase scratch(GetParam());
  auto wh = scratch.open();
  for (const event::EventBatch& batch : sample_batches()) {
    const StreamLoadCounts first = wh->load(batch);
    EXPECT_EQ(first.new_rows, batch.size()) << event::stream_name(batch.stream());
    EXPECT_EQ(first.duplicates, 0u);
    const StreamLoadCounts second = wh->load(batch);
    EXPECT_EQ(second.new_rows, 0u);
    EXPECT_EQ(second.duplicates, batch.size());
  }
  SqlConnection& db = wh->connection();
  EXPECT_EQ(count(db, "fact_listen"), 76 + 867);
  EXPECT_EQ(count(db, "fact_page_view"), 92);
  EXPECT_EQ(count(db, "fact_auth"), 4);
  EXPECT_EQ(count(db, "v_listens"), 76 + 867);
  EXPECT_EQ(count(db, "v_page_views"), 92);
  // Every listen has its song, artist and location; guests have no user row.
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM v_listens WHERE artist IS NULL OR city IS NULL"), "0");
  EXPECT_EQ(
      scalar(db, "SELECT count(*) FROM v_listens WHERE user_id IS NOT NULL AND first_name IS NULL"),
      "0");
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM dim_user WHERE user_id IS NULL"), "0");
}

// A batch whose events are partly stored already takes the loader's exact path (the optimistic
// insert is rolled back): only the new rows count, and they are the only ones in the marts.
TEST_P(WarehouseLoadTest, APartlyStoredBatchCountsOnlyItsNewRows) {
  ScratchDatabase scratch(GetParam());
  auto wh = scratch.open();
  const event::EventBatch batch = decode_sample(Stream::kListen, "listen_events.jsonl");
  ASSERT_EQ(wh->load(slice(batch, 10, 30)).new_rows, 20u);
  const StreamLoadCounts counts = wh->load(batch);
  EXPECT_EQ(counts.new_rows, batch.size() - 20);
  EXPECT_EQ(counts.duplicates, 20u);
  SqlConnection& db = wh->connection();
  EXPECT_EQ(count(db, "fact_listen"), static_cast<std::int64_t>(batch.size()));
  EXPECT_EQ(scalar(db, "SELECT sum(plays) FROM mart_song_daily"), std::to_string(batch.size()));
  EXPECT_EQ(scalar(db, "SELECT sum(plays) FROM mart_user_daily"),
            scalar(db, "SELECT count(*) FROM fact_listen WHERE user_id IS NOT NULL"));
}

// Every listen shares (user, ts, level) with its NextSong page view: the second stream's insert
// of observations meets the first's points (and falls back from its plain insert) and each point
// is stored once, in either order.
TEST_P(WarehouseLoadTest, PointsSharedByTwoStreamsAreObservedOnce) {
  const event::EventBatch listens = decode_sample(Stream::kListen, "listen_events.jsonl");
  const event::EventBatch page_views = decode_sample(Stream::kPageView, "page_view_events.jsonl");
  for (const bool listens_first : {true, false}) {
    ScratchDatabase scratch(GetParam());
    auto wh = scratch.open();
    wh->load(listens_first ? listens : page_views);
    wh->load(listens_first ? page_views : listens);
    SqlConnection& db = wh->connection();
    const std::string distinct_points =
        scalar(db,
               "SELECT count(*) FROM (SELECT f.user_id, f.ts, lv.level FROM fact_listen f"
               " JOIN dim_level lv ON lv.level_key = f.level_key WHERE f.user_id IS NOT NULL"
               " UNION SELECT f.user_id, f.ts, lv.level FROM fact_page_view f"
               " JOIN dim_level lv ON lv.level_key = f.level_key WHERE f.user_id IS NOT NULL) p");
    EXPECT_EQ(scalar(db, "SELECT count(*) FROM user_level_observation"), distinct_points);
    EXPECT_LT(std::stoll(distinct_points),
              count(db, "fact_listen") + count(db, "fact_page_view"));  // some were shared
  }
}

TEST_P(WarehouseLoadTest, DuplicatesWithinABatchBecomeOneRow) {
  ScratchDatabase scratch(GetParam());
  auto wh = scratch.open();
  const event::EventBatch sample = decode_sample(Stream::kListen, "listen_events.jsonl");
  event::EventBatch doubled = slice(sample, 0, 10);
  for (std::size_t row = 0; row < 10; ++row) doubled.append_row(sample, row);
  const StreamLoadCounts counts = wh->load(doubled);
  EXPECT_EQ(counts.new_rows, 10u);
  EXPECT_EQ(counts.duplicates, 10u);
  EXPECT_EQ(count(wh->connection(), "fact_listen"), 10);
}

// Facts key on the event key's 16 bytes; the views show the lake's 32 hex digits, so a silver
// row and its fact join on the text.
TEST_P(WarehouseLoadTest, FactsKeyOnTheEventKeyBytesAndViewsShowItsHex) {
  ScratchDatabase scratch(GetParam());
  auto wh = scratch.open();
  const event::EventBatch batch = decode_sample(Stream::kListen, "listen_events.jsonl");
  wh->load(batch);
  const SqlValue key[] = {batch.keys()[0].hex()};
  const auto rows = wh->connection().query(
      "SELECT " + testing::epoch_ms(GetParam(), "ts") +
          ", session_id, item_in_session FROM fact_listen WHERE event_key = " +
          testing::fact_key(GetParam(), "$1"),
      key);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], std::to_string(batch.column(event::Field::kTs).i64[0]));
  EXPECT_EQ(rows[0][1], std::to_string(batch.column(event::Field::kSessionId).i64[0]));
  const auto viewed =
      wh->connection().query("SELECT session_id FROM v_listens WHERE event_key = $1", key);
  ASSERT_EQ(viewed.size(), 1u);
  EXPECT_EQ(viewed[0][0], rows[0][1]);
}

TEST_P(WarehouseLoadTest, ReloadsAndShuffledBatchOrdersYieldIdenticalTables) {
  ScratchDatabase in_order(GetParam());
  ScratchDatabase shuffled(GetParam());
  std::vector<event::EventBatch> pieces;
  for (const event::EventBatch& batch : sample_batches()) {
    for (std::size_t begin = 0; begin < batch.size(); begin += 37) {
      pieces.push_back(slice(batch, begin, begin + 37));
    }
  }
  {
    auto wh = in_order.open();
    for (const auto& piece : pieces) wh->load(piece);
  }
  {
    // Reversed rows inside each piece, pieces shuffled, and every piece loaded twice.
    std::vector<event::EventBatch> reordered;
    for (const auto& piece : pieces) {
      event::EventBatch reversed(piece.stream());
      for (std::size_t row = piece.size(); row-- > 0;) reversed.append_row(piece, row);
      reordered.push_back(std::move(reversed));
    }
    std::mt19937 rng(20230617);
    std::shuffle(reordered.begin(), reordered.end(), rng);
    auto wh = shuffled.open();
    for (const auto& piece : reordered) wh->load(piece);
    std::shuffle(reordered.begin(), reordered.end(), rng);
    for (const auto& piece : reordered) EXPECT_EQ(wh->load(piece).new_rows, 0u);
  }
  const auto expected = canonical_contents(in_order.open()->connection());
  const auto actual = canonical_contents(shuffled.open()->connection());
  expect_same_contents(expected, actual);
}

TEST_P(WarehouseLoadTest, MartsEqualAggregatesOfTheFacts) {
  ScratchDatabase scratch(GetParam());
  auto wh = scratch.open();
  const auto batches = sample_batches();
  // Loaded in overlapping halves, so mart rows grow from batches whose rows are partly loaded.
  for (const auto& batch : batches) wh->load(slice(batch, 0, batch.size() / 2 + 5));
  for (const auto& batch : batches) wh->load(batch);
  expect_marts_equal_aggregates_of_the_facts(wh->connection());
}

// The views over the marts name what the marts key: one row per mart row, every name found.
TEST_P(WarehouseLoadTest, MartViewsCarryNamesForEveryMartRow) {
  ScratchDatabase scratch(GetParam());
  auto wh = scratch.open();
  for (const auto& batch : sample_batches()) wh->load(batch);
  SqlConnection& db = wh->connection();
  EXPECT_NE(scalar(db, "SELECT count(*) FROM mart_song_daily"), "0");
  for (const auto& [view, mart, names] :
       {std::tuple{"v_song_daily", "mart_song_daily", "artist IS NULL OR song IS NULL"},
        std::tuple{"v_location_daily", "mart_location_daily", "city IS NULL OR state IS NULL"},
        std::tuple{"v_user_daily", "mart_user_daily", "first_name IS NULL"}}) {
    EXPECT_EQ(scalar(db, std::string("SELECT count(*) FROM ") + view),
              scalar(db, std::string("SELECT count(*) FROM ") + mart))
        << view;
    EXPECT_EQ(scalar(db, std::string("SELECT count(*) FROM ") + view + " WHERE " + names), "0")
        << view;
  }
  EXPECT_EQ(scalar(db, "SELECT sum(plays) FROM v_song_daily"),
            scalar(db, "SELECT sum(plays) FROM mart_song_daily"));
}

// Migration 0012 fills the marts' distinct-count sets from the facts of a warehouse loaded before
// it, and later loads into the same days keep the marts exact.
TEST_P(WarehouseLoadTest, Migration12BackfillsTheDistinctCountSets) {
  ScratchDatabase scratch(GetParam());
  const auto batches = sample_batches();
  {
    auto wh = scratch.open();
    for (const auto& batch : batches) wh->load(slice(batch, 0, batch.size() / 3));
    // Back to version 11 with the facts and marts that load left.
    wh->connection().execute_script(
        "DROP TABLE mart_song_daily_listener; DROP TABLE mart_location_daily_user;"
        " DROP TABLE mart_location_daily_session;"
        " DELETE FROM schema_migrations WHERE version = 12");
  }
  auto wh = scratch.open();
  EXPECT_GT(count(wh->connection(), "mart_location_daily_session"), 0);
  for (const auto& batch : batches) wh->load(slice(batch, batch.size() / 4, batch.size()));
  expect_marts_equal_aggregates_of_the_facts(wh->connection());
}

// Migration 0022 converts a warehouse in place: the rows the previous release's loader wrote
// (tests/warehouse/fixtures/v21_<dialect>.sql, dumped from a warehouse it built from the three
// sample files) become what the current loader builds from the same events, and loading those
// events again adds nothing (the keys were converted exactly).
TEST_P(WarehouseLoadTest, AVersion21WarehouseMigratesToWhatTheCurrentLoaderBuilds) {
  const bool postgres = GetParam() == Dialect::kPostgres;
  ScratchDatabase migrated(GetParam());
  at_schema_version(migrated, GetParam(), 21)
      ->execute_script(util::read_file(std::string(TRIBUTARY_WAREHOUSE_FIXTURES) + "/v21_" +
                                       (postgres ? "postgresql" : "sqlite") + ".sql"));
  const std::vector<event::EventBatch> batches = {
      decode_sample(Stream::kListen, "listen_events.jsonl"),
      decode_sample(Stream::kPageView, "page_view_events.jsonl"),
      decode_sample(Stream::kAuth, "auth_events.jsonl")};
  ScratchDatabase built(GetParam());
  auto reference = built.open();
  for (const auto& batch : batches) reference->load(batch);

  auto wh = migrated.open();
  EXPECT_EQ(scalar(wh->connection(), "SELECT count(*) FROM dim_user_agent WHERE browser IS NULL"),
            "0");
  EXPECT_EQ(canonical_contents(wh->connection()), canonical_contents(reference->connection()));
  for (const auto& batch : batches) {
    EXPECT_EQ(wh->load(batch).new_rows, 0u) << event::stream_name(batch.stream());
  }
  EXPECT_EQ(canonical_contents(wh->connection()), canonical_contents(reference->connection()));
}

TEST_P(WarehouseLoadTest, DimDateDescribesEveryDateEventsTouch) {
  ScratchDatabase scratch(GetParam());
  auto wh = scratch.open();
  for (const auto& batch : sample_batches()) wh->load(batch);
  SqlConnection& db = wh->connection();
  EXPECT_EQ(scalar(db,
                   "SELECT count(*) FROM (SELECT date_key FROM fact_listen UNION"
                   " SELECT date_key FROM fact_page_view UNION SELECT date_key FROM fact_auth) f"
                   " WHERE NOT EXISTS (SELECT 1 FROM dim_date d WHERE d.date_key = f.date_key)"),
            "0");
  // 1661129304330 ms is 2022-08-22T00:48:24Z, a Monday of ISO week 34.
  const auto rows = db.query(
      "SELECT year, quarter, month, day, iso_week, weekday, is_weekend FROM dim_date"
      " WHERE date_key = 20220822");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], "2022");
  EXPECT_EQ(rows[0][1], "3");
  EXPECT_EQ(rows[0][4], "34");
  EXPECT_EQ(rows[0][5], "1");
  EXPECT_TRUE(rows[0][6] == "0" || rows[0][6] == "f") << *rows[0][6];
}

TEST_P(WarehouseLoadTest, ATransactionRolledBackLeavesNothing) {
  ScratchDatabase scratch(GetParam());
  auto wh = scratch.open();
  {
    WarehouseTransaction txn(*wh);
    EXPECT_EQ(txn.load(decode_sample(Stream::kPageView, "page_view_events.jsonl")).new_rows, 92u);
    EXPECT_EQ(count(txn.connection(), "fact_page_view"), 92);
  }
  EXPECT_EQ(count(wh->connection(), "fact_page_view"), 0);
  EXPECT_EQ(count(wh->connection(), "dim_user"), 0);
  WarehouseTransaction txn(*wh);
  EXPECT_EQ(txn.load(decode_sample(Stream::kPageView, "page_view_events.jsonl")).new_rows, 92u);
  txn.commit();
  EXPECT_EQ(count(wh->connection(), "fact_page_view"), 92);
}

// The loader keeps dimension keys in memory (dimension_keys.h); the keys a rolled-back load took
// name nothing afterwards (SQLite hands them out again, in another order; PostgreSQL not at all).
TEST_P(WarehouseLoadTest, KeysOfARolledBackLoadAreNotUsedAgain) {
  const event::EventBatch page_views = decode_sample(Stream::kPageView, "page_view_events.jsonl");
  const event::EventBatch listens = decode_sample(Stream::kListen, "listen_events.jsonl");
  ScratchDatabase scratch(GetParam());
  auto wh = scratch.open();
  {
    WarehouseTransaction txn(*wh);
    txn.load(page_views);
  }
  wh->load(listens);
  wh->load(page_views);
  ScratchDatabase fresh(GetParam());
  auto expected = fresh.open();
  expected->load(listens);
  expected->load(page_views);
  expect_same_contents(canonical_contents(wh->connection()),
                       canonical_contents(expected->connection()));
}

// A loader whose keys were read before another loader added dimension rows finds those rows
// instead of adding them again (their natural keys are unique: a second insert would fail).
TEST_P(WarehouseLoadTest, ALoaderFindsTheDimensionRowsAnotherLoaderAdded) {
  const std::vector<event::EventBatch> batches = sample_batches();
  ScratchDatabase scratch(GetParam());
  auto first = scratch.open();
  auto second = scratch.open();
  second->load(slice(batches[0], 0, 5));
  first->load(batches[0]);
  first->load(batches[2]);
  for (const event::EventBatch& batch : batches) second->load(batch);
  ScratchDatabase fresh(GetParam());
  auto expected = fresh.open();
  for (const event::EventBatch& batch : batches) expected->load(batch);
  expect_same_contents(canonical_contents(second->connection()),
                       canonical_contents(expected->connection()));
}

TEST_P(WarehouseLoadTest, ConcurrentLoadersOfOverlappingBatchesAgreeWithASerialLoad) {
  ScratchDatabase serial(GetParam());
  ScratchDatabase concurrent(GetParam());
  std::vector<event::EventBatch> pieces;
  for (const event::EventBatch& batch : sample_batches()) {
    for (std::size_t begin = 0; begin < batch.size(); begin += 50) {
      pieces.push_back(slice(batch, begin, begin + 50));
    }
  }
  {
    auto wh = serial.open();
    for (const auto& piece : pieces) wh->load(piece);
  }
  // Two loaders with their own connections load every piece, in opposite orders, at once.
  std::vector<std::string> errors(2);
  std::vector<std::uint64_t> new_rows(2, 0);
  concurrent.open();  // migrate before the race, as `tributary run` does at start-up
  auto run = [&](std::size_t worker) {
    try {
      auto wh = concurrent.open();
      for (std::size_t i = 0; i < pieces.size(); ++i) {
        const auto& piece = pieces[worker == 0 ? i : pieces.size() - 1 - i];
        new_rows[worker] += wh->load(piece).new_rows;
      }
    } catch (const std::exception& e) {
      errors[worker] = e.what();
    }
  };
  std::thread a(run, 0);
  std::thread b(run, 1);
  a.join();
  b.join();
  EXPECT_EQ(errors[0], "");
  EXPECT_EQ(errors[1], "");
  std::uint64_t total = 0;
  for (const auto& piece : pieces) total += piece.size();
  EXPECT_EQ(new_rows[0] + new_rows[1], total);
  expect_same_contents(canonical_contents(serial.open()->connection()),
                       canonical_contents(concurrent.open()->connection()));
}

INSTANTIATE_TEST_SUITE_P(Dialects, WarehouseLoadTest,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         testing::dialect_name);

}  // namespace
}  // namespace tributary::warehouse
