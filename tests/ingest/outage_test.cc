// Outages against failures of the objects: which errors are outages, that releasing a batch after
// an outage costs no attempt, and that a batch whose publishing failed after its commit stays
// committed and is republished by its own worker.
#include "ingest/outage.h"

#include <gtest/gtest.h>

#include "event/schema.h"
#include "ingest/batch_committer.h"
#include "ingest/ledger.h"
#include "lake/layout.h"
#include "store/file_store.h"
#include "store/forwarding_store.h"
#include "store/temp_dir.h"
#include "warehouse/warehouse.h"

namespace tributary::ingest {
namespace {

using store::StoreError;
using store::StoreErrorCode;

TEST(OutageKind, ALostDatabaseAndAStoreThatKeepsFailingAreOutages) {
  EXPECT_EQ(outage_kind(warehouse::DatabaseUnavailable("connection lost")), "database");
  for (StoreErrorCode code : {StoreErrorCode::kThrottled, StoreErrorCode::kServer,
                              StoreErrorCode::kNetwork, StoreErrorCode::kIntegrity}) {
    EXPECT_EQ(outage_kind(StoreError(code, "gave up after 5 attempts")), "store");
  }
}

// A source listed before it was created (the generator starts with the worker) is waited for;
// the same code from anywhere else (a lake bucket that does not exist) is not.
TEST(OutageKind, AMissingSourceIsAnOutage) {
  const StoreError missing(StoreErrorCode::kNoSuchBucket,
                           "file:///raw: the root directory does not exist");
  const SourceMissing source(missing);
  EXPECT_EQ(outage_kind(source), "source");
  EXPECT_EQ(source.code(), StoreErrorCode::kNoSuchBucket);
  EXPECT_NE(std::string(source.what()).find("the root directory does not exist"),
            std::string::npos);
  EXPECT_EQ(outage_kind(missing), std::nullopt);
}

TEST(OutageKind, EverythingElseIsAFailureOfTheObjects) {
  for (StoreErrorCode code : {StoreErrorCode::kAccessDenied, StoreErrorCode::kNotFound,
                              StoreErrorCode::kNoSuchBucket, StoreErrorCode::kInvalidArgument,
                              StoreErrorCode::kPreconditionFailed, StoreErrorCode::kOther}) {
    EXPECT_EQ(outage_kind(StoreError(code, "refused")), std::nullopt);
  }
  EXPECT_EQ(outage_kind(std::runtime_error("postgresql: duplicate key value")), std::nullopt);
  EXPECT_EQ(outage_kind(LeaseLost("batch b1 is no longer claimed")), std::nullopt);
}

// A lake that refuses writes under `silver/` while `refuse` is set (an S3 bucket policy or a
// failing disk, as the committer sees them after the client's retries); with `metadata_too`
// unset, the tables' Iceberg metadata (put before the COMMIT) still goes through.
class RefusingLake final : public store::ForwardingStore {
 public:
  explicit RefusingLake(store::ObjectStore& lake) : ForwardingStore(lake) {}
  store::ObjectInfo put(std::string_view key, std::string_view body,
                        const store::PutOptions& options) override {
    if (refuse && key.starts_with("silver/") &&
        (metadata_too || !lake::layout::is_table_metadata_key(key))) {
      throw StoreError(StoreErrorCode::kServer, "put '" + std::string(key) + "': InternalError");
    }
    return wrapped().put(key, body, options);
  }

  bool refuse = false;
  bool metadata_too = false;
};

// The data files under silver/ (the tables' metadata aside).
std::vector<std::string> data_files(store::ObjectStore& lake) {
  std::vector<std::string> keys;
  for (const store::ObjectInfo& o : lake.list("silver/").objects) {
    if (!lake::layout::is_table_metadata_key(o.key)) keys.push_back(o.key);
  }
  return keys;
}

class LedgerOutageTest : public ::testing::Test {
 protected:
  LedgerOutageTest()
      : source_(dir_.path() / "raw"),
        lake_files_(dir_.path() / "lake"),
        lake_(lake_files_),
        state_(warehouse::Warehouse::open("sqlite://" + (dir_.path() / "state.db").string())),
        ledger_(*state_, "worker-1") {
    std::filesystem::create_directories(dir_.path() / "raw");
    std::filesystem::create_directories(dir_.path() / "lake");
    // The same listen in both objects: one event, one duplicate.
    const std::string line =
        R"({"artist":"Sam Sparro","song":"Black & Gold","duration":210.33751,)"
        R"("ts":1703438319902,"sessionId":729,"auth":"Logged In","level":"paid",)"
        R"("itemInSession":107,"city":"Anaheim","zip":"92806","state":"CA",)"
        R"("userAgent":"Mozilla/5.0","lon":-117.870494,"lat":33.83796,"userId":730,)"
        R"("lastName":"Johnson","firstName":"Andre","gender":"M","registration":1703420928902})";
    std::vector<ListedObject> listed;
    for (const std::string key :
         {"Raw/listen_events/2023111422_0.json", "Raw/listen_events/2023111422_1.json"}) {
      listed.push_back({event::Stream::kListen, source_.put(key, line + "\n")});
    }
    const std::string extensions[] = {"json"};
    ledger_.record_listing(listed, extensions, 1);
  }

  std::int64_t attempts(const std::string& status) {
    const warehouse::SqlValue params[] = {status};
    return warehouse::sql_int(state_->connection().query(
        "SELECT coalesce(max(attempts), -1) FROM ingest_object WHERE status = $1", params)[0][0]);
  }

  testing::TempDir dir_;
  store::FileStore source_;
  store::FileStore lake_files_;
  RefusingLake lake_;
  std::unique_ptr<warehouse::Warehouse> state_;
  Ledger ledger_;
};

TEST_F(LedgerOutageTest, AnOutageNeverCostsAnAttempt) {
  for (int i = 0; i < 3; ++i) {
    const auto plan = ledger_.claim(event::Stream::kListen, ClaimLimits{}, 10);
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->objects.size(), 2u);
    ledger_.release(*plan, "lake out of reach", Ledger::Cause::kOutage, /*max_attempts=*/1, 11);
    EXPECT_EQ(ledger_.counts().seen, 2u);
    EXPECT_EQ(attempts("seen"), 0);
  }
  EXPECT_EQ(state_->connection().query("SELECT DISTINCT last_error FROM ingest_object")[0][0],
            "lake out of reach");
  // A failure of the objects counts: with one attempt allowed they are failed at once.
  const auto plan = ledger_.claim(event::Stream::kListen, ClaimLimits{}, 20);
  ASSERT_TRUE(plan);
  ledger_.release(*plan, "AccessDenied", Ledger::Cause::kObjects, 1, 21);
  EXPECT_EQ(ledger_.counts().failed, 2u);
  EXPECT_EQ(attempts("failed"), 1);
}

TEST_F(LedgerOutageTest, ABatchThatCouldNotPublishStaysCommittedAndItsWorkerRepublishesIt) {
  CommitOptions options;
  BatchCommitter committer(source_, lake_, *state_, options);
  const auto plan = ledger_.claim(event::Stream::kListen, ClaimLimits{}, 10);
  ASSERT_TRUE(plan);
  lake_.refuse = true;
  const BatchOutcome out = committer.process(*plan);
  ASSERT_TRUE(out.publish_error);
  EXPECT_THROW(std::rethrow_exception(out.publish_error), StoreError);
  EXPECT_EQ(out.new_events, 1u);
  EXPECT_EQ(ledger_.counts().committed, 2u);
  EXPECT_EQ(ledger_.unpublished_batches(), 1u);
  EXPECT_TRUE(data_files(lake_files_).empty());

  lake_.refuse = false;
  // Not another worker's to repair yet (committed moments ago, not a lease ago)...
  EXPECT_EQ(committer.republish_pending(/*committed_before_ms=*/0, "worker-2"), 0u);
  // ...but its own worker's at once.
  EXPECT_EQ(committer.republish_pending(0, "worker-1"), 1u);
  EXPECT_EQ(ledger_.unpublished_batches(), 0u);
  const auto files = data_files(lake_files_);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(state_->connection().query("SELECT file_key FROM lake_file")[0][0], files[0]);
}

// The table's Iceberg metadata is put inside the batch's transaction: a lake that refuses it
// fails the batch before its COMMIT, and nothing is committed.
TEST_F(LedgerOutageTest, ABatchWhoseTableMetadataCannotBePutCommitsNothing) {
  BatchCommitter committer(source_, lake_, *state_, CommitOptions{});
  const auto plan = ledger_.claim(event::Stream::kListen, ClaimLimits{}, 10);
  ASSERT_TRUE(plan);
  lake_.refuse = true;
  lake_.metadata_too = true;
  EXPECT_THROW(committer.process(*plan), StoreError);
  EXPECT_EQ(ledger_.counts().committed, 0u);
  EXPECT_EQ(ledger_.unpublished_batches(), 0u);
  EXPECT_TRUE(state_->connection().query("SELECT file_key FROM lake_file").empty());
  EXPECT_TRUE(state_->connection().query("SELECT metadata_location FROM iceberg_tables").empty());
}

}  // namespace
}  // namespace tributary::ingest
