#include "warehouse/warehouse_uri.h"

#include <gtest/gtest.h>

namespace tributary::warehouse {
namespace {

TEST(WarehouseUriTest, Sqlite) {
  const WarehouseUri uri = parse_warehouse_uri("sqlite:///var/lib/tributary/w.db");
  EXPECT_EQ(uri.dialect, Dialect::kSqlite);
  EXPECT_EQ(uri.target, "/var/lib/tributary/w.db");
  EXPECT_THROW(parse_warehouse_uri("sqlite://relative.db"), std::invalid_argument);
  EXPECT_THROW(parse_warehouse_uri("sqlite:///var/lib/"), std::invalid_argument);
}

TEST(WarehouseUriTest, PostgresPasswordIsRedactedAndScrubbed) {
  const WarehouseUri uri = parse_warehouse_uri("postgresql://loader:s%40cret@db.local:5433/dw");
  EXPECT_EQ(uri.dialect, Dialect::kPostgres);
  EXPECT_EQ(uri.redacted, "postgresql://loader:***@db.local:5433/dw");
  EXPECT_EQ(uri.password, "s@cret");
  EXPECT_EQ(scrub_secret("bad s@cret and s%40cret", uri), "bad *** and ***");
  EXPECT_EQ(parse_warehouse_uri("postgres://u@h/db").redacted, "postgres://u@h/db");
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
