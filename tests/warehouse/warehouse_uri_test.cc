#include "warehouse/warehouse_uri.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace tributary::warehouse {
namespace {

TEST(WarehouseUriTest, Sqlite) {
  const WarehouseUri uri = parse_warehouse_uri("sqlite:///var/lib/tributary/w.db");
  EXPECT_EQ(uri.dialect, Dialect::kSqlite);
  EXPECT_EQ(uri.target, "/var/lib/tributary/w.db");
  EXPECT_THROW(parse_warehouse_uri("sqlite://relative.db"), std::invalid_argument);
  EXPECT_THROW(parse_warehouse_uri("sqlite:///var/lib/"), std::invalid_argument);
}

TEST(WarehouseUriTest, SqlitePathsSpeltAsRelativeAreRefused) {
  // "/./x.db" is the root's x.db: whoever writes sqlite:///./x.db means the working directory.
  for (const char* relative : {"sqlite:///./tributary-state.db", "sqlite:///../w.db"}) {
    try {
      parse_warehouse_uri(relative);
      ADD_FAILURE() << relative;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("filesystem root"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(parse_warehouse_uri("sqlite:///srv/./w.db").target, "/srv/./w.db");
  const WarehouseUri here = parse_warehouse_uri(sqlite_uri_in_working_directory("s.db"));
  EXPECT_EQ(here.target, (std::filesystem::current_path() / "s.db").string());
}

TEST(WarehouseUriTest, PostgresPasswordIsRedactedAndScrubbed) {
  const WarehouseUri uri = parse_warehouse_uri("postgresql://loader:s%40cret@db.local:5433/dw");
  EXPECT_EQ(uri.dialect, Dialect::kPostgres);
  EXPECT_EQ(uri.redacted, "postgresql://loader:***@db.local:5433/dw");
  EXPECT_EQ(uri.password, "s@cret");
  EXPECT_EQ(scrub_secret("bad s@cret and s%40cret", uri), "bad *** and ***");
  EXPECT_EQ(parse_warehouse_uri("postgres://u@h/db").redacted, "postgres://u@h/db");
}

TEST(WarehouseUriTest, APasswordInTheQueryIsASecretToo) {
  const WarehouseUri uri =
      parse_warehouse_uri("postgresql://h:5432/dw?sslmode=require&password=q%2Fpw-Secret&x=1");
  EXPECT_EQ(uri.redacted, "postgresql://h:5432/dw?sslmode=require&password=***&x=1");
  EXPECT_EQ(scrub_secret("q/pw-Secret, q%2Fpw-Secret", uri), "***, ***");
  const WarehouseUri both = parse_warehouse_uri("postgres://u:one-Secret@h/dw?password=two-Secret");
  EXPECT_EQ(both.redacted, "postgres://u:***@h/dw?password=***");
  EXPECT_EQ(both.password, "one-Secret");
}

TEST(WarehouseUriTest, UserInfoIsSplitAsLibpqSplitsIt) {
  // libpq ends the user info at the first '@' before the first '/': a '?' or '#' belongs to it.
  const WarehouseUri uri = parse_warehouse_uri("postgresql://u:pa?ss#Secret@h/dw?user=a@b");
  EXPECT_EQ(uri.password, "pa?ss#Secret");
  EXPECT_EQ(uri.redacted, "postgresql://u:***@h/dw?user=a@b");
}

TEST(WarehouseUriTest, APasswordThatNeedsPercentEncodingIsRefusedWithoutEchoingIt) {
  // libpq would read part of these passwords as the host or the database name and print it.
  for (const char* bad : {"postgresql://u:p@Secret-x@h:5432/dw", "postgresql://u:pa/Secret-x@h/dw",
                          "postgres://u:Secret-x@h/d@b"}) {
    try {
      parse_warehouse_uri(bad);
      ADD_FAILURE() << bad;
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()).find("Secret"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("percent-encode"), std::string::npos) << e.what();
    }
  }
}

TEST(WarehouseUriTest, UnknownSchemeIsRejectedWithoutEchoingTheUri) {
  try {
    parse_warehouse_uri("mysql://root:hunter2@h/db");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("unknown warehouse URI scheme"), std::string::npos);
  }
}

}  // namespace
}  // namespace tributary::warehouse
