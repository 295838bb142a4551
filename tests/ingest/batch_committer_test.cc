// BatchCommitter on a file:// source and lake and a SQLite state database: objects larger than
// decode.max_object_bytes are refused unread (memory stays bounded by the configuration) while
// the rest of their batch commits.
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

}  // namespace
}  // namespace tributary::ingest
