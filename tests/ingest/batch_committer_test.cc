// BatchCommitter on a file:// source and lake and a SQLite state database: objects larger than
// decode.max_object_bytes are refused unread (memory stays bounded by the configuration), and an
// object the source refuses while it answers costs that object an attempt alone, while the rest
// of their batch commits. The failing source is a decorator over a real file store, standing in
// for an S3 server with one damaged object, which cannot be made to happen on s3rver.
#include "ingest/batch_committer.h"

#include <gtest/gtest.h>

#include <mutex>
#include <set>

#include "ingest/ledger.h"
#include "store/file_store.h"
#include "store/forwarding_store.h"
#include "store/temp_dir.h"
#include "warehouse/warehouse.h"

namespace tributary::ingest {
namespace {

// Forwards to a store and records which keys were read.
class ReadRecordingStore final : public store::ForwardingStore {
 public:
  explicit ReadRecordingStore(store::ObjectStore& inner) : ForwardingStore(inner) {}

  std::set<std::string> reads() {
    const std::lock_guard lock(mutex_);
    return reads_;
  }

  store::GetResult get(std::string_view key) override {
    record(key);
    return wrapped().get(key);
  }
  store::GetResult get_range(std::string_view key, std::uint64_t offset,
                             std::uint64_t length) override {
    record(key);
    return wrapped().get_range(key, offset, length);
  }

 private:
  void record(std::string_view key) {
    const std::lock_guard lock(mutex_);
    reads_.insert(std::string(key));
  }

  std::mutex mutex_;  // the committer fetches on several threads
  std::set<std::string> reads_;
};

// Forwards to a store, failing every read of the keys in `refused` with `code`, and every request
// at all while `down` is set.
class RefusingStore final : public store::ForwardingStore {
 public:
  RefusingStore(store::ObjectStore& inner, std::set<std::string> refused,
                store::StoreErrorCode code)
      : ForwardingStore(inner), refused_(std::move(refused)), code_(code) {}

  bool down = false;

  store::ListPage list(std::string_view prefix, std::string_view start_after,
                       std::size_t max_keys) override {
    if (down) throw store::StoreError(store::StoreErrorCode::kNetwork, "connection refused");
    return wrapped().list(prefix, start_after, max_keys);
  }
  store::GetResult get(std::string_view key) override {
    if (down) throw store::StoreError(store::StoreErrorCode::kNetwork, "connection refused");
    if (refused_.contains(std::string(key))) {
      throw store::StoreError(code_, "GET " + std::string(key) + ": refused");
    }
    return wrapped().get(key);
  }

 private:
  std::set<std::string> refused_;
  store::StoreErrorCode code_;
};

const std::string kListen =
    R"({"artist":"Selena","song":"I Could Fall In Love","duration":278.3081,"ts":1661129352330,)"
    R"("sessionId":20213,"auth":"Logged In","level":"paid","itemInSession":28,"city":"Alhambra",)"
    R"("zip":"91803","state":"CA","userAgent":"x","lon":-118.145959,"lat":34.074736})";

TEST(BatchCommitter, ObjectsLargerThanMaxObjectBytesFailUnreadAndTheirBatchCommits) {
  const testing::TempDir dir;
  store::FileStore source_files((dir.path() / "source").string());
  store::FileStore lake((dir.path() / "lake").string());
  ReadRecordingStore source(source_files);
  const auto state = warehouse::Warehouse::open("sqlite://" + (dir.path() / "state.db").string());

  const std::string small_key = "Raw/listen_events/2024010100_0.json";
  const std::string big_key = "Raw/listen_events/2024010101_0.json";
  const std::string big(4096, 'x');  // no newline: one huge line, were it ever read
  source.put(small_key, kListen + "\n", {});
  source.put(big_key, big, {});
  std::vector<ListedObject> listed;
  for (const store::ObjectInfo& o : source_files.list("Raw/").objects) {
    listed.push_back({event::Stream::kListen, o});
  }
  const std::vector<std::string> extensions = {"json"};
  Ledger ledger(*state, "test-worker");
  ASSERT_EQ(ledger.record_listing(listed, extensions, 1), 2u);
  const std::optional<BatchPlan> plan = ledger.claim(event::Stream::kListen, {}, 2);
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->objects.size(), 2u);

  CommitOptions options;
  options.decode.max_object_bytes = 1024;  // between the two objects' sizes
  const BatchOutcome out = BatchCommitter(source, lake, *state, options).process(*plan);
  EXPECT_EQ(out.objects, 1u);
  EXPECT_EQ(out.too_large, 1u);
  EXPECT_EQ(out.events, 1u);
  EXPECT_EQ(source.reads(), std::set<std::string>{small_key});  // the big one was never read

  const auto rows = state->connection().query(
      "SELECT object_key, status, coalesce(last_error, ''), coalesce(bronze_key, '')"
      " FROM ingest_object ORDER BY object_key");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(*rows[0][1], "committed");
  EXPECT_EQ(*rows[1][0], big_key);
  EXPECT_EQ(*rows[1][1], "failed");
  EXPECT_EQ(*rows[1][2],
            "object_too_large: 4096 bytes, more than decode.max_object_bytes (1024); not read");
  EXPECT_EQ(*rows[1][3], "");
  EXPECT_EQ(ledger.counts().failed, 1u);
  EXPECT_EQ(ledger.counts().claimed, 0u);
  EXPECT_EQ(ledger.unpublished_batches(), 0u);
  // Failed is final: nothing is left to claim.
  EXPECT_FALSE(ledger.claim(event::Stream::kListen, {}, 3));
}

// Two listen objects, the second refused by the source with `code`, listed and claimed as one
// batch in a SQLite state database.
struct RefusedObjectCase {
  explicit RefusedObjectCase(store::StoreErrorCode code)
      : source_files((dir.path() / "source").string()),
        lake((dir.path() / "lake").string()),
        source(source_files, {bad_key}, code),
        state(warehouse::Warehouse::open("sqlite://" + (dir.path() / "state.db").string())),
        ledger(*state, "test-worker") {
    source.put(good_key, kListen + "\n", {});
    source.put(bad_key, kListen + "\n", {});
    std::vector<ListedObject> listed;
    for (const store::ObjectInfo& o : source_files.list("Raw/").objects) {
      listed.push_back({event::Stream::kListen, o});
    }
    const std::vector<std::string> extensions = {"json"};
    ledger.record_listing(listed, extensions, 1);
  }

  // Claims what is claimable and processes it with ingest.max_refusals 2.
  BatchOutcome process_next(std::int64_t now_ms) {
    const std::optional<BatchPlan> plan = ledger.claim(event::Stream::kListen, {}, now_ms);
    if (!plan) throw std::runtime_error("nothing to claim");
    CommitOptions options;
    options.max_refusals = 2;
    return BatchCommitter(source, lake, *state, options).process(*plan);
  }

  // status, attempts, refusals, last_error and batch of the refused object.
  std::vector<std::string> bad_row() {
    const warehouse::SqlValue key[] = {bad_key};
    const auto row = state->connection().query(
        "SELECT status, attempts, refusals, coalesce(last_error, ''), coalesce(batch_id, '')"
        " FROM ingest_object WHERE object_key = $1",
        key)[0];
    return {*row[0], *row[1], *row[2], *row[3], *row[4]};
  }

  const testing::TempDir dir;
  const std::string good_key = "Raw/listen_events/2024010100_0.json";
  const std::string bad_key = "Raw/listen_events/2024010100_1.json";
  store::FileStore source_files;
  store::FileStore lake;
  RefusingStore source;
  std::unique_ptr<warehouse::Warehouse> state;
  Ledger ledger;
};

TEST(BatchCommitter, AnObjectTheSourceRefusesWhileItAnswersLeavesItsBatchAndCountsARefusal) {
  RefusedObjectCase c(store::StoreErrorCode::kServer);
  const BatchOutcome first = c.process_next(2);
  EXPECT_EQ(first.objects, 1u);
  EXPECT_EQ(first.events, 1u);
  ASSERT_EQ(first.unreadable.size(), 1u);
  EXPECT_EQ(first.unreadable[0].key, c.bad_key);
  EXPECT_EQ(first.unreadable[0].why, "GET " + c.bad_key + ": refused");
  // Given back with no batch, a refusal counted and the claim's attempt taken back (random store
  // errors must not spend ingest.max_attempts): the next claim takes it alone.
  EXPECT_EQ(c.bad_row(),
            (std::vector<std::string>{"seen", "0", "1", "GET " + c.bad_key + ": refused", ""}));
  EXPECT_EQ(c.ledger.counts().committed, 1u);
  EXPECT_EQ(c.ledger.unpublished_batches(), 0u);

  // At ingest.max_refusals it fails for an operator, and nothing is left to claim.
  const BatchOutcome second = c.process_next(3);
  EXPECT_EQ(second.objects, 0u);
  EXPECT_EQ(second.unreadable.size(), 1u);
  EXPECT_EQ(c.bad_row(),
            (std::vector<std::string>{"failed", "0", "2", "GET " + c.bad_key + ": refused", ""}));
  EXPECT_FALSE(c.ledger.claim(event::Stream::kListen, {}, 4));
  EXPECT_EQ(c.ledger.counts().failed, 1u);
}

TEST(BatchCommitter, AnObjectRefusedOutrightNeedsNoProbe) {
  RefusedObjectCase c(store::StoreErrorCode::kAccessDenied);
  const BatchOutcome out = c.process_next(2);
  EXPECT_EQ(out.objects, 1u);
  EXPECT_EQ(out.unreadable.size(), 1u);
  EXPECT_EQ(c.bad_row()[0], "seen");
}

TEST(BatchCommitter, ThrottlingIsNeverOneObjectsFaultTheWholeBatchFails) {
  RefusedObjectCase c(store::StoreErrorCode::kThrottled);
  EXPECT_THROW(c.process_next(2), store::StoreError);
  // Nothing committed: the ingester releases the claim as an outage.
  EXPECT_EQ(c.ledger.counts().committed, 0u);
  EXPECT_EQ(c.ledger.counts().claimed, 2u);
}

TEST(BatchCommitter, AStoreThatStopsAnsweringIsAnOutageNotTheObjectsFault) {
  // The refused read comes first; by the time the probe lists the key, the store is down.
  struct DownAfterRefusal final : store::ForwardingStore {
    explicit DownAfterRefusal(RefusingStore& inner)
        : ForwardingStore(static_cast<store::ObjectStore&>(inner)), refusing(inner) {}
    store::GetResult get(std::string_view key) override {
      try {
        return wrapped().get(key);
      } catch (const store::StoreError&) {
        refusing.down = true;
        throw;
      }
    }
    RefusingStore& refusing;
  };
  RefusedObjectCase c(store::StoreErrorCode::kServer);
  DownAfterRefusal source(c.source);
  const std::optional<BatchPlan> plan = c.ledger.claim(event::Stream::kListen, {}, 2);
  ASSERT_TRUE(plan);
  CommitOptions options;
  options.fetch_concurrency = 1;  // the good object first, then the refused one
  try {
    BatchCommitter(source, c.lake, *c.state, options).process(*plan);
    FAIL() << "the batch committed";
  } catch (const store::StoreError& e) {
    EXPECT_EQ(e.code(), store::StoreErrorCode::kServer);  // the read's own error, for the outage
  }
  EXPECT_EQ(c.ledger.counts().committed, 0u);
}

}  // namespace
}  // namespace tributary::ingest
