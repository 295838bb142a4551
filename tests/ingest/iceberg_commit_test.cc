// The Iceberg commit of the batch path, on both state dialects, with real files (FileStore) and a
// real database: the batch transaction swaps the table's iceberg_tables row, a fenced-out commit
// leaves it alone, a republish after a failed publish writes the same metadata, compaction is a
// replace snapshot that keeps the one before readable, and expiry plus orphan removal delete
// only what no live snapshot lists.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "ingest/batch_committer.h"
#include "ingest/iceberg_catalog.h"
#include "ingest/iceberg_expiry.h"
#include "ingest/ledger.h"
#include "ingest/sql_lake_manifest.h"
#include "lake/compaction.h"
#include "lake/iceberg/iceberg_table.h"
#include "lake/iceberg/table_metadata.h"
#include "store/file_store.h"
#include "store/forwarding_store.h"
#include "store/object_store.h"
#include "store/temp_dir.h"
#include "util/clock.h"
#include "warehouse/warehouse_test_support.h"

namespace tributary::ingest {
namespace {

using testing::scalar;
using testing::ScratchDatabase;
using warehouse::Dialect;

constexpr std::int64_t kNow = 1'764'000'000'000;  // 2025-11-24T16:00:00Z
const std::string kExtensions[] = {"json"};

// One listen event of 2022-08-22 with session `session`.
std::string listen_line(int session) {
  return R"({"artist":"Selena","song":"I Could Fall In Love","duration":278.3081,)"
         R"("ts":1661129352330,"sessionId":)" +
         std::to_string(session) +
         R"(,"auth":"Logged In","level":"paid","itemInSession":28,"city":"Alhambra",)"
         R"("zip":"91803","state":"CA","userAgent":"x","lon":-118.145959,"lat":34.074736,)"
         R"("userId":7,"lastName":"Lee","firstName":"Ann","gender":"F","registration":1660000000000})"
         "\n";
}

// Refuses puts of Parquet files while `refuse` is set: a lake that fails a batch's publish.
class RefusingDataStore final : public store::ForwardingStore {
 public:
  explicit RefusingDataStore(store::ObjectStore& lake) : ForwardingStore(lake) {}
  bool refuse = false;
  store::ObjectInfo put(std::string_view key, std::string_view body,
                        const store::PutOptions& options = {}) override {
    if (refuse && key.ends_with(".parquet")) {
      throw store::StoreError(store::StoreErrorCode::kNetwork, "refused for the test");
    }
    return ForwardingStore::put(key, body, options);
  }
};

// Records what publish tells the external catalog. Glue cannot run here; the catalog's own
// behaviour is tested with its implementation, this checks when and what the commit path tells.
struct RecordingCatalog final : lake::iceberg::ExternalCatalog {
  std::vector<std::pair<std::string, std::string>> calls;  // (location, previous)
  void table_published(event::Stream, const std::string& location,
                       const std::string& previous) override {
    calls.emplace_back(location, previous);
  }
};

class IcebergCommitTest : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.path() / "raw");
    std::filesystem::create_directories(dir_.path() / "lake");
    source_ = std::make_unique<store::FileStore>(dir_.path() / "raw");
    lake_ = std::make_unique<store::FileStore>(dir_.path() / "lake");
    refusing_ = std::make_unique<RefusingDataStore>(*lake_);
    state_ = scratch_.open();
  }

  // Lists and claims one new object holding `line`; the plan of its batch.
  BatchPlan claim(const std::string& line) {
    const std::string key = "Raw/listen_events/2025112415_" + std::to_string(objects_++) + ".json";
    const store::ObjectInfo put = source_->put(key, line);
    Ledger ledger(*state_, "worker");
    ledger.record_listing(std::vector<ListedObject>{{event::Stream::kListen, put}}, kExtensions,
                          kNow);
    auto plan = ledger.claim(event::Stream::kListen, {}, kNow);
    EXPECT_TRUE(plan);
    return *plan;
  }

  BatchOutcome commit(const std::string& line) {
    CommitOptions options;
    options.external_catalog = &glue_;
    BatchCommitter committer(*source_, *refusing_, *state_, options);
    return committer.process(claim(line));
  }

  std::string lake_file(const std::string& key) { return lake_->get(key).body; }
  std::string table_uri() { return lake_->uri() + "/silver/listen_events"; }
  std::string metadata_uri(int n) {
    return table_uri() + "/metadata/v" + std::to_string(n) + ".metadata.json";
  }
  std::string row(const char* column) {
    return scalar(state_->connection(),
                  std::string("SELECT coalesce(") + column +
                      ", 'NULL') FROM iceberg_tables WHERE catalog_name = 'tributary'"
                      " AND table_namespace = 'silver' AND table_name = 'listen_events'");
  }
  lake::iceberg::ReadFile reader() {
    return [this](const std::string& uri) { return lake_->get(lake_key(*lake_, uri)).body; };
  }
  // The lake keys of the data files the snapshots of metadata version `n` list.
  std::set<std::string> listed(int n, bool current_only) {
    lake::iceberg::TableMetadata m = lake::iceberg::parse_table_metadata(
        lake_file("silver/listen_events/metadata/v" + std::to_string(n) + ".metadata.json"));
    if (current_only) {
      std::erase_if(m.snapshots,
                    [&](const auto& s) { return s.snapshot_id != m.current_snapshot_id; });
    }
    std::set<std::string> keys;
    for (const std::string& uri : lake::iceberg::live_data_files(m, reader())) {
      keys.insert(lake_key(*lake_, uri));
    }
    return keys;
  }
  std::set<std::string> lake_file_keys() {
    std::set<std::string> keys;
    for (const auto& r :
         state_->connection().query("SELECT file_key FROM lake_file WHERE kind = 'silver'")) {
      keys.insert(*r[0]);
    }
    return keys;
  }

  ScratchDatabase scratch_{GetParam()};
  testing::TempDir dir_;
  std::unique_ptr<store::FileStore> source_;
  std::unique_ptr<store::FileStore> lake_;
  std::unique_ptr<RefusingDataStore> refusing_;
  std::unique_ptr<warehouse::Warehouse> state_;
  int objects_ = 0;
  RecordingCatalog glue_;
};

TEST_P(IcebergCommitTest, EachBatchSwapsItsTablesCatalogRowAndPublishesTheVersionHint) {
  commit(listen_line(1));
  EXPECT_EQ(row("metadata_location"), metadata_uri(1));
  EXPECT_EQ(row("previous_metadata_location"), "NULL");
  EXPECT_EQ(row("iceberg_type"), "TABLE");
  commit(listen_line(2));
  EXPECT_EQ(row("metadata_location"), metadata_uri(2));
  EXPECT_EQ(row("previous_metadata_location"), metadata_uri(1));
  EXPECT_EQ(lake_file("silver/listen_events/metadata/version-hint.text"), "2");
  EXPECT_EQ(scalar(state_->connection(), "SELECT count(*) FROM iceberg_unpublished"), "0");
  // The current snapshot lists exactly the committed silver files.
  EXPECT_EQ(listed(2, true), lake_file_keys());
  EXPECT_EQ(lake_file_keys().size(), 2u);
}

TEST_P(IcebergCommitTest, ABatchWithoutSilverRowsLeavesNoCatalogRow) {
  const BatchOutcome outcome = commit("not json\n");
  EXPECT_EQ(outcome.quarantined, 1u);
  EXPECT_FALSE(outcome.publish_error);
  EXPECT_EQ(scalar(state_->connection(), "SELECT count(*) FROM iceberg_tables"), "0");
  EXPECT_FALSE(lake_->head("silver/listen_events/metadata/version-hint.text"));
}

TEST_P(IcebergCommitTest, ACommitFencedOutByLeaseLostLeavesTheCatalogRowUnchanged) {
  commit(listen_line(1));
  const std::string key = "Raw/listen_events/2025112415_9.json";
  const store::ObjectInfo put = source_->put(key, listen_line(2));
  const auto other = scratch_.open();
  Ledger a(*state_, "worker-a");
  Ledger b(*other, "worker-b");
  a.record_listing(std::vector<ListedObject>{{event::Stream::kListen, put}}, kExtensions, kNow);
  ClaimLimits limits;
  limits.lease_ms = 1000;
  const auto plan_a = a.claim(event::Stream::kListen, limits, kNow);
  ASSERT_TRUE(plan_a);
  BatchCommitter committer(*source_, *lake_, *state_, {});
  DecodedBatch decoded = committer.fetch_and_decode(*plan_a);
  ASSERT_TRUE(b.claim(event::Stream::kListen, limits, kNow + 2000));

  EXPECT_THROW(committer.commit(std::move(decoded)), LeaseLost);
  EXPECT_EQ(row("metadata_location"), metadata_uri(1));
  EXPECT_EQ(row("previous_metadata_location"), "NULL");
  EXPECT_EQ(scalar(state_->connection(), "SELECT count(*) FROM iceberg_unpublished"), "0");
  EXPECT_FALSE(lake_->head("silver/listen_events/metadata/v2.metadata.json"));
  EXPECT_EQ(lake_file("silver/listen_events/metadata/version-hint.text"), "1");
}

TEST_P(IcebergCommitTest, ARepublishAfterAFailedPublishWritesTheSameMetadataAndThenTheHint) {
  refusing_->refuse = true;
  const BatchOutcome outcome = commit(listen_line(1));
  ASSERT_TRUE(outcome.publish_error);
  // Committed: the catalog names v1, whose metadata is in the lake, but path readers are not
  // pointed at it while its data file is missing.
  EXPECT_EQ(row("metadata_location"), metadata_uri(1));
  const std::string metadata = lake_file("silver/listen_events/metadata/v1.metadata.json");
  EXPECT_FALSE(lake_->head("silver/listen_events/metadata/version-hint.text"));
  EXPECT_EQ(scalar(state_->connection(), "SELECT count(*) FROM iceberg_unpublished"), "1");
  const std::set<std::string> files = listed(1, true);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_FALSE(lake_->head(*files.begin()));

  refusing_->refuse = false;
  BatchCommitter committer(*source_, *lake_, *state_, {});
  EXPECT_EQ(committer.republish_pending(), 1u);
  EXPECT_EQ(lake_file("silver/listen_events/metadata/v1.metadata.json"), metadata);
  EXPECT_EQ(lake_file("silver/listen_events/metadata/version-hint.text"), "1");
  EXPECT_EQ(scalar(state_->connection(), "SELECT count(*) FROM iceberg_unpublished"), "0");
  // The republished data file is the one the manifest describes, byte for byte in size.
  const auto head = lake_->head(*files.begin());
  ASSERT_TRUE(head);
  EXPECT_EQ(std::to_string(head->size),
            scalar(state_->connection(), "SELECT bytes FROM lake_file WHERE kind = 'silver'"));
}

TEST_P(IcebergCommitTest, TheHintWaitsForEveryEarlierVersionsDataFilesAndNeverGoesBack) {
  refusing_->refuse = true;
  ASSERT_TRUE(commit(listen_line(1)).publish_error);  // v1 committed, its data file missing
  refusing_->refuse = false;
  ASSERT_FALSE(commit(listen_line(2)).publish_error);  // v2 published, on top of v1
  EXPECT_EQ(row("metadata_location"), metadata_uri(2));
  // v2 lists v1's file too: path readers and Glue are not pointed at it yet.
  EXPECT_FALSE(lake_->head("silver/listen_events/metadata/version-hint.text"));
  EXPECT_TRUE(glue_.calls.empty());

  CommitOptions options;
  options.external_catalog = &glue_;
  BatchCommitter committer(*source_, *lake_, *state_, options);
  EXPECT_EQ(committer.republish_pending(), 1u);
  EXPECT_EQ(lake_file("silver/listen_events/metadata/version-hint.text"), "2");
  ASSERT_EQ(glue_.calls.size(), 1u);
  EXPECT_EQ(glue_.calls[0].first, metadata_uri(2));
  EXPECT_EQ(glue_.calls[0].second, "");

  // The next publish tells Glue the version before.
  commit(listen_line(3));
  EXPECT_EQ(lake_file("silver/listen_events/metadata/version-hint.text"), "3");
  ASSERT_EQ(glue_.calls.size(), 2u);
  EXPECT_EQ(glue_.calls[1].first, metadata_uri(3));
  EXPECT_EQ(glue_.calls[1].second, metadata_uri(2));

  // A publisher that finds a newer hint than its own version (one that raced ahead of it) leaves
  // it alone: the hint never goes back.
  lake_->put("silver/listen_events/metadata/version-hint.text", "7");
  commit(listen_line(4));
  EXPECT_EQ(row("metadata_location"), metadata_uri(4));
  EXPECT_EQ(lake_file("silver/listen_events/metadata/version-hint.text"), "7");
  EXPECT_EQ(glue_.calls.size(), 2u);
}

TEST_P(IcebergCommitTest, CompactionIsAReplaceSnapshotAndExpiryDeletesOnlyUnlistedFiles) {
  commit(listen_line(1));
  commit(listen_line(2));
  const std::set<std::string> before = lake_file_keys();
  ASSERT_EQ(before.size(), 2u);

  SqlLakeManifest manifest(state_->connection(), lake_.get());
  lake::CompactionOptions options;
  options.keep_replaced_files = true;
  const lake::CompactionReport report =
      lake::compact(*lake_, manifest, std::nullopt, std::nullopt, options);
  ASSERT_EQ(report.removed.size(), 2u);
  EXPECT_EQ(row("metadata_location"), metadata_uri(3));
  EXPECT_EQ(row("previous_metadata_location"), metadata_uri(2));
  EXPECT_EQ(lake_file("silver/listen_events/metadata/version-hint.text"), "3");
  const lake::iceberg::TableMetadata v3 = lake::iceberg::parse_table_metadata(
      lake_file("silver/listen_events/metadata/v3.metadata.json"));
  const auto current = std::find_if(v3.snapshots.begin(), v3.snapshots.end(), [&](const auto& s) {
    return s.snapshot_id == v3.current_snapshot_id;
  });
  ASSERT_NE(current, v3.snapshots.end());
  ASSERT_NE(current->find_summary("operation"), nullptr);
  EXPECT_EQ(*current->find_summary("operation"), "replace");
  EXPECT_EQ(listed(3, true), lake_file_keys());
  // Time travel: version 2 still lists the replaced files, and they are still there.
  EXPECT_EQ(listed(2, true), before);
  for (const std::string& key : before) EXPECT_TRUE(lake_->head(key)) << key;

  // Orphan removal while every snapshot is live keeps the replaced files.
  const std::int64_t now = util::unix_time_ms();
  SnapshotExpiry keep = expire_snapshots(state_->connection(), *lake_, now - 3'600'000, now);
  EXPECT_EQ(keep.expired_snapshots, 0u);
  lake::collect_garbage(*lake_, manifest.entries(), now + 3'600'000, keep.referenced);
  for (const std::string& key : before) EXPECT_TRUE(lake_->head(key)) << key;

  // Expiring every snapshot but the current one deletes the replaced files and nothing it lists.
  const SnapshotExpiry expiry =
      expire_snapshots(state_->connection(), *lake_, now + 3'600'000, now + 1);
  EXPECT_EQ(expiry.expired_snapshots, 2u);
  EXPECT_EQ(row("metadata_location"), metadata_uri(4));
  EXPECT_EQ(lake_file("silver/listen_events/metadata/version-hint.text"), "4");
  for (const std::string& key : before) EXPECT_FALSE(lake_->head(key)) << key;
  EXPECT_EQ(expiry.referenced, lake_file_keys());
  const std::vector<std::string> garbage =
      lake::collect_garbage(*lake_, manifest.entries(), now + 3'600'000, expiry.referenced);
  EXPECT_TRUE(garbage.empty()) << garbage.front();
  for (const std::string& key : lake_file_keys()) EXPECT_TRUE(lake_->head(key)) << key;
  EXPECT_EQ(listed(4, false), lake_file_keys());

  // Old metadata JSON files go too, beyond the versions kept before the one the hint names.
  const SnapshotExpiry trimmed = expire_snapshots(state_->connection(), *lake_, now + 3'600'000,
                                                  now + 2, nullptr, /*kept_versions=*/1);
  EXPECT_EQ(trimmed.expired_snapshots, 0u);
  EXPECT_EQ(row("metadata_location"), metadata_uri(4));
  for (int n : {1, 2}) {
    EXPECT_FALSE(lake_->head(lake_key(*lake_, metadata_uri(n)))) << n;
  }
  for (int n : {3, 4}) {
    EXPECT_TRUE(lake_->head(lake_key(*lake_, metadata_uri(n)))) << n;
  }
  EXPECT_EQ(trimmed.deleted.size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Dialects, IcebergCommitTest,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         testing::dialect_name);

}  // namespace
}  // namespace tributary::ingest
