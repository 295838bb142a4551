// Deduplication against everything ever committed (CommittedKeys), on both state dialects: a key
// is new once, whichever batch, slot or worker brings it again, and keys committed before the
// slots existed (ingest_event_key_legacy) still count as committed.
#include "ingest/committed_keys.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "warehouse/warehouse_test_support.h"

namespace tributary::ingest {
namespace {

using testing::decode_text;
using testing::scalar;
using testing::ScratchDatabase;
using warehouse::Dialect;

// A listen event at `ts` in session `session`.
std::string listen(std::int64_t ts, int session) {
  return R"({"artist":"A","song":"S","duration":200.5,"ts":)" + std::to_string(ts) +
         R"(,"sessionId":)" + std::to_string(session) +
         R"(,"auth":"Logged In","level":"free","itemInSession":1,"city":"C","zip":"1",)"
         R"("state":"CA","userAgent":"x","lon":-1.5,"lat":2.5})"
         "\n";
}

constexpr std::int64_t kTs = 1'764'000'000'000;  // 2025-11-24T16:00:00Z

class CommittedKeysTest : public ::testing::TestWithParam<Dialect> {
 protected:
  // The new rows of the batch `lines` decode to, as a string of 0s and 1s (row order).
  std::string add(warehouse::Warehouse& state, const std::string& lines) {
    warehouse::WarehouseTransaction txn(state);
    const NewRows fresh =
        CommittedKeys(txn.connection()).add(decode_text(event::Stream::kListen, lines));
    txn.commit();
    std::string rows;
    for (const std::uint8_t n : fresh.is_new) rows.push_back(n != 0 ? '1' : '0');
    EXPECT_EQ(static_cast<std::size_t>(std::count(rows.begin(), rows.end(), '1')), fresh.count);
    return rows;
  }

  ScratchDatabase scratch_{GetParam()};
};

TEST_P(CommittedKeysTest, AKeyIsNewOnceAcrossBatchesAndSlots) {
  const auto state = scratch_.open();
  // Three slots (an hour apart), one event twice within the batch.
  const std::string first =
      listen(kTs, 1) + listen(kTs + 3'600'000, 2) + listen(kTs + 7'200'000, 3) + listen(kTs, 1);
  EXPECT_EQ(add(*state, first), "1110");
  EXPECT_EQ(scalar(state->connection(), "SELECT count(*) FROM ingest_key_group"), "3");
  // Stored as bytes, 16 per key, not as hex text.
  EXPECT_EQ(scalar(state->connection(), "SELECT sum(length(keys)) FROM ingest_key_group"), "48");
  // The same events again (eventsim's loop): none is new.
  EXPECT_EQ(add(*state, first), "0000");
  // Two old, one new in an old slot, one in a new slot.
  EXPECT_EQ(add(*state, listen(kTs, 1) + listen(kTs + 1, 4) + listen(kTs + 3'600'000, 2) +
                            listen(kTs - 86'400'000, 5)),
            "0101");
  EXPECT_EQ(scalar(state->connection(), "SELECT count(*) FROM ingest_key_group"), "4");
  EXPECT_EQ(add(*state, first + listen(kTs + 1, 4) + listen(kTs - 86'400'000, 5)), "000000");
}

TEST_P(CommittedKeysTest, ARolledBackBatchLeavesNoKeys) {
  const auto state = scratch_.open();
  {
    warehouse::WarehouseTransaction txn(*state);
    EXPECT_EQ(CommittedKeys(txn.connection())
                  .add(decode_text(event::Stream::kListen, listen(kTs, 1)))
                  .count,
              1u);
  }  // not committed
  EXPECT_EQ(add(*state, listen(kTs, 1)), "1");
}

TEST_P(CommittedKeysTest, KeysCommittedBeforeTheSlotsStillCountAsCommitted) {
  const auto state = scratch_.open();
  const event::EventBatch batch = decode_text(event::Stream::kListen, listen(kTs, 1));
  const warehouse::SqlValue key[] = {batch.keys()[0].hex()};
  state->connection().execute(GetParam() == Dialect::kPostgres
                                  ? "INSERT INTO ingest_event_key_legacy VALUES ($1::uuid)"
                                  : "INSERT INTO ingest_event_key_legacy VALUES (unhex($1))",
                              key);
  EXPECT_EQ(add(*state, listen(kTs, 1)), "0");
  EXPECT_EQ(add(*state, listen(kTs, 1) + listen(kTs, 2)), "01");
}

INSTANTIATE_TEST_SUITE_P(Dialects, CommittedKeysTest,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         testing::dialect_name);

}  // namespace
}  // namespace tributary::ingest
