// Fencing, on both state dialects: a worker whose claim was taken over (its lease expired and
// another worker claimed its objects) reaches its commit, throws LeaseLost, and changes nothing:
// no event key, fact or lake_file row, no ledger transition, no silver or quarantine file. The
// takeover is made deterministic by the clock the ledger is given, not by waiting for a lease.
#include <gtest/gtest.h>

#include <filesystem>

#include "ingest/batch_committer.h"
#include "ingest/ledger.h"
#include "store/file_store.h"
#include "store/temp_dir.h"
#include "warehouse/warehouse_test_support.h"

namespace tributary::ingest {
namespace {

using testing::scalar;
using testing::ScratchDatabase;
using warehouse::Dialect;

constexpr std::int64_t kNow = 1'764'000'000'000;  // 2025-11-24T16:00:00Z
const std::string kExtensions[] = {"json"};

const std::string kLines =
    R"({"artist":"Selena","song":"I Could Fall In Love","duration":278.3081,"ts":1661129352330,)"
    R"("sessionId":20213,"auth":"Logged In","level":"paid","itemInSession":28,"city":"Alhambra",)"
    R"("zip":"91803","state":"CA","userAgent":"x","lon":-118.145959,"lat":34.074736,)"
    R"("userId":7,"lastName":"Lee","firstName":"Ann","gender":"F","registration":1660000000000})"
    "\nnot json\n";

class LeaseLostTest : public ::testing::TestWithParam<Dialect> {
 protected:
  ScratchDatabase scratch_{GetParam()};
  testing::TempDir dir_;
};

TEST_P(LeaseLostTest, ACommitAfterItsClaimWasTakenOverThrowsAndChangesNothing) {
  const std::filesystem::path raw = dir_.path() / "raw";
  const std::filesystem::path lake = dir_.path() / "lake";
  std::filesystem::create_directories(raw);
  std::filesystem::create_directories(lake);
  store::FileStore source(raw);
  store::FileStore lake_store(lake);
  const std::string key = "Raw/listen_events/2025112415_0.json";
  const store::ObjectInfo put = source.put(key, kLines);

  const auto state_a = scratch_.open();
  const auto state_b = scratch_.open();
  Ledger a(*state_a, "worker-a");
  Ledger b(*state_b, "worker-b");
  ASSERT_EQ(
      a.record_listing(std::vector<ListedObject>{{event::Stream::kListen, put}}, kExtensions, kNow),
      1u);
  ClaimLimits limits;
  limits.lease_ms = 1000;
  const auto plan_a = a.claim(event::Stream::kListen, limits, kNow);
  ASSERT_TRUE(plan_a);
  CommitOptions options;
  options.load_warehouse = true;
  BatchCommitter committer_a(source, lake_store, *state_a, options);
  DecodedBatch decoded = committer_a.fetch_and_decode(*plan_a);
  ASSERT_EQ(decoded.batch.size(), 1u);

  // Worker A stalls past its lease; worker B takes the object over.
  const auto plan_b = b.claim(event::Stream::kListen, limits, kNow + 2000);
  ASSERT_TRUE(plan_b);
  ASSERT_NE(plan_b->batch_id, plan_a->batch_id);

  EXPECT_THROW(committer_a.commit(std::move(decoded)), LeaseLost);

  warehouse::SqlConnection& db = state_b->connection();
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM ingest_key_group"), "0");
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM fact_listen"), "0");
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM lake_file"), "0");
  EXPECT_EQ(scalar(db, "SELECT status FROM ingest_object"), "claimed");
  EXPECT_EQ(scalar(db, "SELECT batch_id FROM ingest_object"), plan_b->batch_id);
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM ingest_batch"), "1");
  EXPECT_EQ(scalar(db, "SELECT status FROM ingest_batch"), "claimed");
  for (const char* derived : {"silver", "quarantine", "_tributary"}) {
    EXPECT_FALSE(std::filesystem::exists(lake / derived)) << derived << " was written";
  }

  // B, which holds the claim, commits the object once.
  BatchCommitter committer_b(source, lake_store, *state_b, options);
  const BatchOutcome outcome = committer_b.process(*plan_b);
  EXPECT_EQ(outcome.new_events, 1u);
  EXPECT_EQ(outcome.quarantined, 1u);
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM fact_listen"), "1");
  EXPECT_EQ(scalar(db, "SELECT status FROM ingest_object"), "committed");
}

INSTANTIATE_TEST_SUITE_P(Dialects, LeaseLostTest,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         testing::dialect_name);

}  // namespace
}  // namespace tributary::ingest
