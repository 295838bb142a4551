// What only the PostgreSQL dialect has: partitions, roles, indexes, a server that can refuse the
// password, and connections that can hang on a silent peer.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <set>

#include "warehouse/postgres_warehouse.h"
#include "warehouse/report.h"
#include "warehouse_test_support.h"

namespace tributary::warehouse {
namespace {

using event::Stream;
using testing::decode_sample;
using testing::scalar;
using testing::ScratchDatabase;

TEST(PostgresTest, FactPartitionsAreMonthlyAndCreatedOnDemand) {
  ScratchDatabase scratch(Dialect::kPostgres);
  auto wh = scratch.open();
  SqlConnection& db = wh->connection();
  EXPECT_EQ(
      scalar(db, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'fact_listen'::regclass"),
      "0");
  wh->load(decode_sample(Stream::kListen, "fluentd-s3-object_2023061719_20.json"));
  wh->load(decode_sample(Stream::kListen, "listen_events.jsonl"));
  // Every month of the facts has its partition, and rows land in the right one.
  EXPECT_EQ(
      scalar(db, "SELECT count(DISTINCT date_key / 100) FROM fact_listen"),
      scalar(db, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'fact_listen'::regclass"));
  const FactPartition p = fact_partition("fact_listen", 20231224);
  EXPECT_EQ(p.name, "fact_listen_p202312");
  EXPECT_EQ(p.from_key, 20231201);
  EXPECT_EQ(p.to_key, 20240101);
  // The partition function (migration 0013) gives the partition these bounds.
  EXPECT_EQ(
      scalar(db,
             "SELECT pg_get_expr(relpartbound, oid) FROM pg_class"
             " WHERE relname = 'fact_listen_p202312'"),
      "FOR VALUES FROM (" + std::to_string(p.from_key) + ") TO (" + std::to_string(p.to_key) + ")");
  EXPECT_EQ(
      scalar(db, "SELECT count(*) FROM fact_listen_p202312"),
      scalar(db, "SELECT count(*) FROM fact_listen WHERE date_key BETWEEN 20231201 AND 20231231"));
  EXPECT_EQ(fact_partition("fact_auth", 20231205).to_key, 20240101);
  EXPECT_EQ(fact_partition("fact_auth", 20230605).to_key, 20230701);
}

TEST(PostgresTest, MigrationsCreateTheBiAndLoaderRoles) {
  ScratchDatabase scratch(Dialect::kPostgres);
  auto wh = scratch.open();
  SqlConnection& db = wh->connection();
  EXPECT_EQ(scalar(db, "SELECT has_table_privilege('tributary_bi', 'v_listens', 'SELECT')"), "t");
  EXPECT_EQ(scalar(db, "SELECT has_table_privilege('tributary_bi', 'fact_listen', 'INSERT')"), "f");
  EXPECT_EQ(scalar(db, "SELECT has_table_privilege('tributary_bi', 'mart_song_daily', 'SELECT')"),
            "t");
  EXPECT_EQ(scalar(db, "SELECT has_table_privilege('tributary_loader', 'fact_listen', 'INSERT')"),
            "t");
  EXPECT_EQ(scalar(db, "SELECT has_schema_privilege('tributary_loader', 'public', 'CREATE')"), "t");
}

// A login role for one test, dropped at destruction. Declare it before the ScratchDatabase the
// role uses: the role can only be dropped once that database (holding the role's temporary
// tables) is gone.
class TemporaryLoginRole {
 public:
  TemporaryLoginRole(std::string name, std::string_view member_of)
      : name_(std::move(name)), admin_(parse_warehouse_uri(testing::postgres_server_uri())) {
    admin_.execute_script("CREATE ROLE " + name_ + " LOGIN PASSWORD 'bi-secret' IN ROLE " +
                          std::string(member_of));
  }
  ~TemporaryLoginRole() {
    try {
      admin_.execute_script("DROP ROLE " + name_);
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
  }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  PostgresConnection admin_;
};

// The scratch database's URI with `role` logging in instead of the fixture's superuser.
std::string uri_as(const ScratchDatabase& scratch, const TemporaryLoginRole& role) {
  std::string uri = scratch.uri();
  uri.replace(uri.find("tributary:"), uri.find('@') - uri.find("tributary:"),
              role.name() + ":bi-secret");
  return uri;
}

TEST(PostgresTest, TheBiRoleCanReportButNotWrite) {
  std::optional<TemporaryLoginRole> role;
  ScratchDatabase scratch(Dialect::kPostgres);
  // The migrations create tributary_bi.
  scratch.open()->load(decode_sample(Stream::kListen, "listen_events.jsonl"));
  role.emplace("bi_" + std::to_string(getpid()), "tributary_bi");
  auto bi = Warehouse::open(uri_as(scratch, *role));
  ReportOptions options;
  options.period = {"2023-01-01", "2024-01-01"};
  EXPECT_FALSE(run_report(bi->connection(), options).top_songs.empty());
  try {
    bi->load(decode_sample(Stream::kListen, "listen_events.jsonl"));
    FAIL() << "the BI role loaded rows";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("permission denied"), std::string::npos) << e.what();
  }
}

// Listen events of the samples moved to April 2024, a month no partition exists for yet.
event::EventBatch listens_of_april_2024() {
  std::string text = testing::test_data("listen_events.jsonl");
  for (std::size_t at = text.find("\"ts\":17"); at != std::string::npos;
       at = text.find("\"ts\":17", at + 1)) {
    text.replace(at + 5, 3, "171");  // 1703... (December 2023) -> 1713... (April 2024)
  }
  return testing::decode_text(Stream::kListen, text);
}

// Every relation of the warehouse, its privileges for the BI role, in one query.
std::vector<SqlRow> bi_privileges(SqlConnection& db) {
  return db.query(
      "SELECT c.relname, c.relkind,"
      " has_table_privilege('tributary_bi', c.oid, 'SELECT'),"
      " has_table_privilege('tributary_bi', c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE,"
      " REFERENCES, TRIGGER')"
      " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') ORDER BY 1");
}

TEST(PostgresTest, TheBiRoleReadsEveryRelationAndChangesNoneEvenPartitionsLoadedLater) {
  std::optional<TemporaryLoginRole> bi_role;
  std::optional<TemporaryLoginRole> loader_role;
  ScratchDatabase scratch(Dialect::kPostgres);
  auto admin = scratch.open();
  admin->load(decode_sample(Stream::kListen, "listen_events.jsonl"));
  loader_role.emplace("loader_" + std::to_string(getpid()), "tributary_loader");
  bi_role.emplace("bi_" + std::to_string(getpid()), "tributary_bi");
  // A loader that did not run the migrations loads a month without a partition: it creates one.
  auto loader = Warehouse::open(uri_as(scratch, *loader_role));
  const event::EventBatch april = listens_of_april_2024();
  EXPECT_EQ(loader->load(april).new_rows, april.size());

  SqlConnection& db = admin->connection();
  std::set<std::string> kinds;
  bool saw_new_partition = false;
  for (const SqlRow& r : bi_privileges(db)) {
    const std::string& name = *r[0];
    kinds.insert(*r[1]);
    saw_new_partition = saw_new_partition || name == "fact_listen_p202404";
    // By design (docs/data-model.md, migrations 0004 and 0023) BI reads every table and view of
    // public, and writes none; the ingester's bookkeeping is not in public.
    EXPECT_EQ(r[2], "t") << "tributary_bi cannot read " << name;
    EXPECT_EQ(r[3], "f") << "tributary_bi may change " << name;
  }
  EXPECT_TRUE(saw_new_partition);
  EXPECT_EQ(kinds, (std::set<std::string>{"p", "r", "v"}));  // partitioned, plain, views
  EXPECT_EQ(scalar(db, "SELECT has_schema_privilege('tributary_bi', 'public', 'CREATE')"), "f");
  EXPECT_EQ(scalar(db,
                   "SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_class c"
                   " JOIN pg_namespace n ON n.oid = c.relnamespace"
                   " WHERE n.nspname = 'tributary_ingest' AND c.relkind = 'r'"),
            "ingest_batch,ingest_event_key_legacy,ingest_key_group,ingest_object,lake_file,"
            "schema_migrations");
  EXPECT_EQ(scalar(db, "SELECT has_schema_privilege('tributary_bi', 'tributary_ingest', 'USAGE')"),
            "f");
  // The partition function creates fact partitions of real months only.
  for (const char* bad : {"SELECT tributary_create_fact_partition('pg_authid', 202401)",
                          "SELECT tributary_create_fact_partition('fact_listen', 202413)",
                          "SELECT tributary_create_fact_partition('fact_listen', NULL)"}) {
    EXPECT_THROW(loader->connection().query(bad), std::runtime_error) << bad;
  }

  // What the privileges say, a BI login does: it reads facts, partitions, dimensions, marts and
  // views, not the bookkeeping, and every change is refused.
  auto bi = Warehouse::open(uri_as(scratch, *bi_role));
  SqlConnection& as_bi = bi->connection();
  for (const char* read :
       {"SELECT count(*) FROM fact_listen", "SELECT count(*) FROM fact_listen_p202404",
        "SELECT count(*) FROM dim_user", "SELECT count(*) FROM mart_song_daily",
        "SELECT count(*) FROM v_listens"}) {
    EXPECT_NO_THROW(as_bi.query(read)) << read;
  }
  for (const char* hidden :
       {"SELECT count(*) FROM ingest_object", "SELECT count(*) FROM tributary_ingest.ingest_batch",
        "SELECT count(*) FROM tributary_ingest.schema_migrations"}) {
    EXPECT_THROW(as_bi.query(hidden), std::runtime_error) << hidden;
  }
  EXPECT_EQ(scalar(as_bi, "SELECT count(*) FROM fact_listen_p202404"),
            std::to_string(april.size()));
  for (const char* write :
       {"INSERT INTO dim_artist (name) VALUES ('x')", "UPDATE dim_user SET first_name = 'x'",
        "DELETE FROM fact_listen", "DELETE FROM fact_listen_p202404", "TRUNCATE mart_song_daily",
        "UPDATE tributary_ingest.ingest_object SET status = 'seen'",
        "CREATE TABLE bi_scratch (x int)", "CREATE VIEW bi_view AS SELECT 1",
        "DROP TABLE fact_listen_p202404", "DROP VIEW v_listens",
        "ALTER TABLE dim_song ADD COLUMN x int", "CREATE INDEX bi_index ON fact_auth (level)",
        "SELECT tributary_create_fact_partition('fact_auth', 209901)"}) {
    try {
      as_bi.execute_script(write);
      ADD_FAILURE() << "tributary_bi was allowed: " << write;
    } catch (const std::runtime_error& e) {
      const std::string why = e.what();
      EXPECT_TRUE(why.find("permission denied") != std::string::npos ||
                  why.find("must be owner") != std::string::npos)
          << write << ": " << why;
    }
  }
}

// Metabase shows COMMENTs as descriptions: every table, view and column an analyst sees has one
// (the ingester's bookkeeping is not for analysts, and partitions inherit their parent's).
TEST(PostgresTest, EveryBiTableViewAndColumnHasAComment) {
  ScratchDatabase scratch(Dialect::kPostgres);
  auto wh = scratch.open();
  wh->load(decode_sample(Stream::kListen, "listen_events.jsonl"));  // creates partitions
  const std::string kBi =
      " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
      " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v') AND NOT c.relispartition"
      " AND c.relname !~ '^(ingest_|iceberg_|lake_file$|schema_migrations$)'";
  SqlConnection& db = wh->connection();
  EXPECT_GE(std::stoi(scalar(db, "SELECT count(DISTINCT c.oid)" + kBi)), 20);
  for (const SqlRow& r :
       db.query("SELECT DISTINCT c.relname" + kBi + " AND obj_description(c.oid) IS NULL")) {
    ADD_FAILURE() << *r[0] << " has no comment";
  }
  for (const SqlRow& r : db.query("SELECT c.relname || '.' || a.attname" + kBi +
                                  " AND col_description(c.oid, a.attnum) IS NULL")) {
    ADD_FAILURE() << *r[0] << " has no comment";
  }
}

TEST(PostgresTest, ReportQueriesUseTheIndexes) {
  ScratchDatabase scratch(Dialect::kPostgres);
  auto wh = scratch.open();
  wh->load(decode_sample(Stream::kListen, "fluentd-s3-object_2023061719_20.json"));
  wh->load(decode_sample(Stream::kPageView, "page_view_events.jsonl"));
  SqlConnection& db = wh->connection();
  db.execute_script("ANALYZE; SET enable_seqscan = off");
  std::string plan;
  for (const SqlRow& r :
       db.query("EXPLAIN SELECT count(*) FROM fact_listen WHERE date_key >= 20220801"
                " AND date_key < 20220901")) {
    plan += r[0].value_or("") + "\n";
  }
  EXPECT_NE(plan.find("fact_listen_p202208"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("fact_listen_p202306"), std::string::npos) << "no pruning:\n" << plan;

  // Each fact partition's only index is unique on event_key (migration 0022): an event's
  // date_key follows from its time, so uniqueness in its month's partition is uniqueness.
  for (const char* fact : {"fact_listen_p202208", "fact_page_view_p202312"}) {
    const SqlValue table[] = {std::string(fact)};
    EXPECT_EQ(
        db.query("SELECT string_agg(indexdef, '; ') FROM pg_indexes WHERE tablename = $1", table)
            .at(0)
            .at(0),
        "CREATE UNIQUE INDEX " + std::string(fact) + "_event_key ON public." + fact +
            " USING btree (event_key)")
        << fact;
  }
  EXPECT_THROW(db.execute_script("INSERT INTO fact_listen SELECT * FROM fact_listen LIMIT 1"),
               std::runtime_error);
  EXPECT_EQ(scalar(db,
                   "SELECT count(*) FROM pg_indexes WHERE tablename LIKE 'fact_%'"
                   " AND (indexdef LIKE '%(date_key, location_key)'"
                   " OR indexdef LIKE '%(date_key, song_key)')"),
            "0");

  // The distinct counts of the rows a report shows seek each shown song or location's members
  // (keyed song or location first since migration 0022) instead of scanning the period's.
  plan.clear();
  for (const SqlRow& r :
       db.query("EXPLAIN SELECT count(DISTINCT user_id) FROM mart_song_daily_listener"
                " WHERE song_key = 1 AND date_key >= 20230601 AND date_key < 20230608")) {
    plan += r[0].value_or("") + "\n";
  }
  EXPECT_NE(plan.find("mart_song_daily_listener_pkey"), std::string::npos) << plan;
}

TEST(PostgresTest, ALostSessionIsDatabaseUnavailableUntilEnsureConnectedReconnects) {
  ScratchDatabase scratch(Dialect::kPostgres);
  auto wh = scratch.open();
  const std::string pid = scalar(wh->connection(), "SELECT pg_backend_pid()");
  // What a server restart or failover does to the session: the server ends it.
  PostgresConnection admin(parse_warehouse_uri(testing::postgres_server_uri()));
  const SqlValue params[] = {std::stoll(pid)};
  ASSERT_EQ(admin.query("SELECT pg_terminate_backend($1::int)", params).at(0).at(0), "t");
  EXPECT_THROW(wh->connection().query("SELECT 1"), DatabaseUnavailable);
  EXPECT_FALSE(wh->connection().connected());
  EXPECT_THROW(wh->load(decode_sample(Stream::kListen, "listen_events.jsonl")),
               DatabaseUnavailable);

  wh->ensure_connected();
  EXPECT_TRUE(wh->connection().connected());
  EXPECT_NE(scalar(wh->connection(), "SELECT pg_backend_pid()"), pid);
  EXPECT_EQ(scalar(wh->connection(), "SHOW work_mem"), "64MB");  // the session's settings too
  // The new session has its own staging tables again: loads work.
  const StreamLoadCounts loaded = wh->load(decode_sample(Stream::kListen, "listen_events.jsonl"));
  EXPECT_GT(loaded.new_rows, 0u);
  wh->ensure_connected();  // connected: nothing to do
  EXPECT_EQ(scalar(wh->connection(), "SELECT count(*) FROM fact_listen"),
            std::to_string(loaded.new_rows));
}

TEST(PostgresTest, ErrorsOfTheStatementAreNotDatabaseUnavailable) {
  ScratchDatabase scratch(Dialect::kPostgres);
  auto wh = scratch.open();
  try {
    wh->connection().query("SELECT * FROM no_such_table");
    FAIL() << "queried a table that does not exist";
  } catch (const DatabaseUnavailable& e) {
    FAIL() << "an SQL error taken for an outage: " << e.what();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_table"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(wh->connection().connected());
}

// A partitioned network must end a session, not hang it: libpq keepalives and timeouts are on
// unless the URI sets its own.
TEST(PostgresTest, ConnectionsGiveUpOnASilentPeerUnlessTheUriSaysOtherwise) {
  PostgresConnection db(parse_warehouse_uri(testing::postgres_server_uri()));
  EXPECT_EQ(db.option("keepalives"), "1");
  EXPECT_EQ(db.option("keepalives_idle"), "30");
  EXPECT_EQ(db.option("keepalives_count"), "3");
  EXPECT_EQ(db.option("tcp_user_timeout"), "60000");
  if (std::getenv("PGCONNECT_TIMEOUT") == nullptr) {
    EXPECT_EQ(db.option("connect_timeout"), "10");
  }

  PostgresConnection own(
      parse_warehouse_uri(testing::postgres_server_uri() + "?keepalives_idle=7&connect_timeout=4"));
  EXPECT_EQ(own.option("keepalives_idle"), "7");
  EXPECT_EQ(own.option("connect_timeout"), "4");
  EXPECT_EQ(scalar(own, "SELECT 1"), "1");
}

// A listener that completes TCP handshakes (the kernel does, from the backlog) but never speaks:
// a hung host or a half-open proxy. The attempt ends at the connect timeout.
TEST(PostgresTest, AServerThatNeverAnswersFailsAtTheConnectTimeout) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string uri =
      "postgresql://tributary:secret@127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) +
      "/db?connect_timeout=1";
  try {
    PostgresConnection db(parse_warehouse_uri(uri));
    FAIL() << "connected to a server that never answers";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("timeout"), std::string::npos) << e.what();
  }
  ::close(listener);
}

TEST(PostgresTest, AWrongPasswordIsNeverPrinted) {
  const std::string server = testing::postgres_server_uri();
  const WarehouseUri good = parse_warehouse_uri(server);
  std::string bad = server;
  const std::string wrong = "WrongPassw0rd" + good.password.substr(0, 6);
  bad.replace(bad.find(good.password_raw), good.password_raw.size(), wrong);
  try {
    Warehouse::open(bad);
    FAIL() << "connected with a wrong password";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find(wrong), std::string::npos) << message;
    EXPECT_NE(message.find("password authentication failed"), std::string::npos) << message;
    EXPECT_NE(message.find("tributary:***@127.0.0.1"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace tributary::warehouse
