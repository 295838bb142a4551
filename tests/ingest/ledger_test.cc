// The ledger's backlog and the lag read from it (Ledger::Backlog), on both state dialects: the lag
// counts from when the oldest waiting object landed in the source (its LastModified), not from
// when tributary first listed it; where the LastModified is unknown, from when it was listed.
#include "ingest/ledger.h"

#include <gtest/gtest.h>

#include "warehouse/migrations.h"
#include "warehouse/postgres_connection.h"
#include "warehouse/sqlite_connection.h"
#include "warehouse/warehouse_test_support.h"

namespace tributary::ingest {
namespace {

using testing::scalar;
using testing::ScratchDatabase;
using warehouse::Dialect;

constexpr std::int64_t kNow = 1'764'000'000'000;  // 2025-11-24T16:00:00Z
constexpr std::int64_t kHour = 3'600'000;
const std::string kExtensions[] = {"json"};

// A listed listen object; `last_modified_ms` 0 is how the stores say they could not read it.
std::vector<ListedObject> listed(const std::string& key, std::int64_t last_modified_ms) {
  return {{event::Stream::kListen, store::ObjectInfo{key, 100, "etag-" + key, last_modified_ms}}};
}

class LedgerBacklogTest : public ::testing::TestWithParam<Dialect> {
 protected:
  ScratchDatabase scratch_{GetParam()};
};

TEST_P(LedgerBacklogTest, LagCountsFromWhenTheObjectLandedNotFromTheListing) {
  const auto state = scratch_.open();
  Ledger ledger(*state, "worker-1");
  // Listed only now (a full sweep found it, or the workers were down): it landed an hour ago.
  ASSERT_EQ(ledger.record_listing(listed("Raw/listen_events/2025112415_0.json", kNow - kHour),
                                  kExtensions, kNow),
            1u);
  Ledger::Backlog backlog = ledger.backlog();
  EXPECT_EQ(backlog.objects, 1u);
  EXPECT_EQ(backlog.oldest_landed_ms, kNow - kHour);
  EXPECT_EQ(backlog.lag_seconds(kNow), 3600.0);
  EXPECT_EQ(backlog.lag_seconds(kNow + 30'000), 3630.0);

  // Claimed, it still waits...
  const auto plan = ledger.claim(event::Stream::kListen, {}, kNow + 1000);
  ASSERT_TRUE(plan);
  backlog = ledger.backlog();
  EXPECT_EQ(backlog.objects, 1u);
  EXPECT_EQ(backlog.lag_seconds(kNow), 3600.0);
  // ...failed, it no longer does: nothing waits, no lag.
  ledger.release(*plan, "AccessDenied", Ledger::Cause::kObjects, /*max_attempts=*/1, kNow + 2000);
  backlog = ledger.backlog();
  EXPECT_EQ(backlog.objects, 0u);
  EXPECT_EQ(backlog.oldest_landed_ms, 0);
  EXPECT_EQ(backlog.lag_seconds(kNow), 0.0);
}

TEST_P(LedgerBacklogTest, AnUnknownLastModifiedFallsBackToWhenTheObjectWasFirstSeen) {
  const auto state = scratch_.open();
  Ledger ledger(*state, "worker-1");
  // Listed two hours ago, with no LastModified; the other landed one hour ago.
  ledger.record_listing(listed("Raw/listen_events/2025112414_0.json", 0), kExtensions,
                        kNow - 2 * kHour);
  ledger.record_listing(listed("Raw/listen_events/2025112415_0.json", kNow - kHour), kExtensions,
                        kNow);
  EXPECT_EQ(scalar(state->connection(),
                   "SELECT object_key FROM ingest_object WHERE last_modified_ms IS NULL"),
            "Raw/listen_events/2025112414_0.json");
  const Ledger::Backlog backlog = ledger.backlog();
  EXPECT_EQ(backlog.objects, 2u);
  EXPECT_EQ(backlog.oldest_landed_ms, kNow - 2 * kHour);
  EXPECT_EQ(backlog.lag_seconds(kNow), 7200.0);
}

TEST_P(LedgerBacklogTest, ALastModifiedInTheFutureReadsNoLag) {
  const auto state = scratch_.open();
  Ledger ledger(*state, "worker-1");
  // The store's clock is five minutes ahead of ours.
  ledger.record_listing(listed("Raw/listen_events/2025112416_0.json", kNow + 300'000), kExtensions,
                        kNow);
  const Ledger::Backlog backlog = ledger.backlog();
  EXPECT_EQ(backlog.objects, 1u);
  EXPECT_EQ(backlog.oldest_landed_ms, kNow + 300'000);
  EXPECT_EQ(backlog.lag_seconds(kNow), 0.0);
  EXPECT_EQ(backlog.lag_seconds(kNow + 360'000), 60.0);
}

// A ledger written before migration 0015 has no LastModified: its waiting objects count from when
// they were first seen, and objects listed after the upgrade from when they landed.
TEST_P(LedgerBacklogTest, RowsFromBeforeMigration15CountFromWhenTheyWereFirstSeen) {
  {
    const warehouse::WarehouseUri uri = warehouse::parse_warehouse_uri(scratch_.uri());
    std::unique_ptr<warehouse::SqlConnection> raw;
    if (GetParam() == Dialect::kSqlite) {
      raw = std::make_unique<warehouse::SqliteConnection>(uri.target);
    } else {
      raw = std::make_unique<warehouse::PostgresConnection>(uri);
    }
    raw->execute_script(
        "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL,"
        " applied_at text NOT NULL)");
    for (const warehouse::Migration& m : warehouse::embedded_migrations(GetParam())) {
      if (m.version >= 15) break;
      raw->execute_script(m.sql);
      const warehouse::SqlValue row[] = {std::int64_t{m.version}, std::string(m.name)};
      raw->execute("INSERT INTO schema_migrations VALUES ($1, $2, 'then')", row);
    }
    const warehouse::SqlValue row[] = {kNow - kHour};
    raw->execute(
        "INSERT INTO ingest_object (object_key, etag, stream, size_bytes, status, first_seen_ms,"
        " updated_ms) VALUES ('Raw/listen_events/2025112415_0.json', 'e', 'listen_events', 100,"
        " 'seen', $1, $1)",
        row);
  }
  const auto state = scratch_.open();
  Ledger ledger(*state, "worker-1");
  Ledger::Backlog backlog = ledger.backlog();
  EXPECT_EQ(backlog.objects, 1u);
  EXPECT_EQ(backlog.lag_seconds(kNow), 3600.0);

  ledger.record_listing(listed("Raw/listen_events/2025112413_0.json", kNow - 3 * kHour),
                        kExtensions, kNow);
  backlog = ledger.backlog();
  EXPECT_EQ(backlog.objects, 2u);
  EXPECT_EQ(backlog.lag_seconds(kNow), 3.0 * 3600);
}

// Two versions of one key (a new ETag listed before the old one was processed) claimed together
// come in key-then-ETag order whatever order the database returns them in, so the batch decodes
// them in the order its republishing does.
TEST_P(LedgerBacklogTest, TwoVersionsOfOneKeyAreClaimedInEtagOrder) {
  const auto state = scratch_.open();
  Ledger ledger(*state, "worker-1");
  const std::string key = "Raw/listen_events/2025112415_0.json";
  for (const char* etag : {"ffff", "0000", "8888"}) {
    const std::vector<ListedObject> version = {
        {event::Stream::kListen, store::ObjectInfo{key, 100, etag, kNow}}};
    ASSERT_EQ(ledger.record_listing(version, kExtensions, kNow), 1u);
  }
  const auto plan = ledger.claim(event::Stream::kListen, {}, kNow);
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->objects.size(), 3u);
  EXPECT_EQ(plan->objects[0].etag, "0000");
  EXPECT_EQ(plan->objects[1].etag, "8888");
  EXPECT_EQ(plan->objects[2].etag, "ffff");
}

// A batch is held decompressed: a gzip object counts eight times its stored size against
// batch_max_bytes, so a batch of them inflates to about what a batch of plain objects holds.
TEST_P(LedgerBacklogTest, CompressedObjectsCountEightTimesTheirSizeAgainstTheByteBound) {
  const auto state = scratch_.open();
  Ledger ledger(*state, "worker-1");
  const std::string extensions[] = {"json", "gz"};
  std::vector<ListedObject> objects;
  for (int i = 0; i < 4; ++i) {
    objects.push_back(
        {event::Stream::kListen,
         store::ObjectInfo{"Raw/listen_events/2025112415_" + std::to_string(i) + ".gz", 1000,
                           "g" + std::to_string(i), kNow}});
  }
  for (int i = 0; i < 4; ++i) {
    objects.push_back(
        {event::Stream::kListen,
         store::ObjectInfo{"Raw/listen_events/2025112416_" + std::to_string(i) + ".json", 1000,
                           "p" + std::to_string(i), kNow}});
  }
  ASSERT_EQ(ledger.record_listing(objects, extensions, kNow), 8u);
  ClaimLimits limits;
  limits.max_bytes = 16'000;  // two gzip objects (8,000 each), or sixteen plain ones
  const auto gzip = ledger.claim(event::Stream::kListen, limits, kNow);
  ASSERT_TRUE(gzip);
  EXPECT_EQ(gzip->objects.size(), 2u);
  limits.max_bytes = 19'000;  // the two other gzip objects and three plain ones
  const auto mixed = ledger.claim(event::Stream::kListen, limits, kNow);
  ASSERT_TRUE(mixed);
  EXPECT_EQ(mixed->objects.size(), 5u);
}

INSTANTIATE_TEST_SUITE_P(Dialects, LedgerBacklogTest,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         testing::dialect_name);

}  // namespace
}  // namespace tributary::ingest
