// What only the PostgreSQL dialect has: partitions, roles, indexes, and a server that can refuse
// the password.
#include <gtest/gtest.h>

#include <optional>

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

TEST(PostgresTest, TheBiRoleCanReportButNotWrite) {
  std::optional<TemporaryLoginRole> role;
  ScratchDatabase scratch(Dialect::kPostgres);
  // The migrations create tributary_bi.
  scratch.open()->load(decode_sample(Stream::kListen, "listen_events.jsonl"));
  role.emplace("bi_" + std::to_string(getpid()), "tributary_bi");
  std::string uri = scratch.uri();
  uri.replace(uri.find("tributary:"), uri.find('@') - uri.find("tributary:"),
              role->name() + ":bi-secret");
  auto bi = Warehouse::open(uri);
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

TEST(PostgresTest, ReportQueriesUseTheIndexes) {
  ScratchDatabase scratch(Dialect::kPostgres);
  auto wh = scratch.open();
  wh->load(decode_sample(Stream::kListen, "fluentd-s3-object_2023061719_20.json"));
  SqlConnection& db = wh->connection();
  db.execute_script("ANALYZE; SET enable_seqscan = off");
  std::string plan;
  for (const SqlRow& r : db.query(
           "EXPLAIN SELECT count(*) FROM fact_listen WHERE user_id = 212 AND date_key >= 20220801"
           " AND date_key < 20220901")) {
    plan += r[0].value_or("") + "\n";
  }
  EXPECT_NE(plan.find("fact_listen_p202208_user_id_date_key_idx"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("fact_listen_p202306"), std::string::npos) << "no pruning:\n" << plan;
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
