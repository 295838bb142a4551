#include "server/status_board.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace tributary::server {
namespace {

BatchRecord batch(const std::string& stream, std::uint64_t events, std::uint64_t quarantined) {
  BatchRecord b;
  b.stream = stream;
  b.objects = 2;
  b.bytes_read = 1000;
  b.events = events;
  b.new_events = events - 1;
  b.duplicates = 1;
  b.quarantined = quarantined;
  b.files = 1;
  b.bytes_written = 400;
  b.max_event_ts_ms = 1'703'442'637'902;
  if (quarantined > 0) {
    b.reasons["invalid_json"] = quarantined;
    b.samples["invalid_json"] = {"Raw/x/1_0.json:3", "not json <script>"};
  }
  return b;
}

struct BoardTest : ::testing::Test {
  std::int64_t now = 1'000'000;
  StatusBoard board{[this] { return now; }};
};

TEST_F(BoardTest, CountsStagesTotalsAndStreams) {
  board.record_discovered(5);
  board.record_batch(batch("listen_events", 10, 2));
  board.record_batch(batch("auth_events", 4, 0));
  board.record_backlog(1, 2.5);
  const std::string j = board.json();
  EXPECT_NE(j.find(R"({"stage":"discovered","unit":"objects","count":5,"rate_per_s":null})"),
            std::string::npos)
      << j;
  EXPECT_NE(j.find(R"("stage":"decoded","unit":"lines","count":16,)"), std::string::npos) << j;
  EXPECT_NE(j.find(R"("stage":"committed","unit":"events","count":12,)"), std::string::npos);
  EXPECT_NE(j.find(R"("totals":{"batches":2,"failed_batches":0,"discovered":5,"objects":4,)"),
            std::string::npos)
      << j;
  EXPECT_NE(j.find(R"("auth_events":{"objects":2,"vanished":0,"bytes_read":1000,"events":4,)"),
            std::string::npos);
  EXPECT_NE(j.find(R"("backlog":{"pending_objects":1,"lag_seconds":2.5,)"), std::string::npos);
  // Rates: lines over the last minute / 60 s.
  EXPECT_NE(
      j.find(R"("stage":"decoded","unit":"lines","count":16,"rate_per_s":0.26666666666666666})"),
      std::string::npos)
      << j;
  EXPECT_NE(j.find(R"("warehouse":null})"), std::string::npos);
}

TEST_F(BoardTest, QuarantineReasonsKeepCountAndLastSampleSortedByCount) {
  board.record_batch(batch("listen_events", 10, 1));
  BatchRecord b = batch("listen_events", 10, 0);
  b.reasons = {{"invalid_utf8", 3}};
  b.samples = {{"invalid_utf8", {"k:1", "bad \xff byte"}}};
  board.record_batch(b);
  const std::string j = board.json();
  const auto utf8 = j.find(R"({"reason":"invalid_utf8","count":3,"where":"k:1","sample":"bad )"
                           "\xEF\xBF\xBD"
                           R"( byte"})");
  const auto json = j.find(R"({"reason":"invalid_json","count":1,)");
  ASSERT_NE(utf8, std::string::npos) << j;
  ASSERT_NE(json, std::string::npos) << j;
  EXPECT_LT(utf8, json);  // most frequent first
}

TEST_F(BoardTest, ReasonsAndErrorsAreBounded) {
  for (std::size_t i = 0; i < StatusBoard::kMaxReasons + 10; ++i) {
    BatchRecord b = batch("s", 2, 1);
    b.reasons = {{"reason_" + std::to_string(i), 1}};
    board.record_batch(b);
  }
  for (std::size_t i = 0; i < StatusBoard::kMaxErrors + 5; ++i) {
    board.record_failure("batch " + std::to_string(i), "boom " + std::to_string(i));
  }
  const std::string j = board.json();
  std::size_t reasons = 0, errors = 0;
  for (auto p = j.find("\"reason\":"); p != std::string::npos; p = j.find("\"reason\":", p + 1)) {
    ++reasons;
  }
  for (auto p = j.find("\"message\":"); p != std::string::npos; p = j.find("\"message\":", p + 1)) {
    ++errors;
  }
  EXPECT_EQ(reasons, StatusBoard::kMaxReasons);
  EXPECT_EQ(errors, StatusBoard::kMaxErrors);
  // Newest error first, and every failure counted.
  EXPECT_LT(j.find("boom 24"), j.find("boom 23"));
  EXPECT_EQ(j.find("boom 4\""), std::string::npos);
  EXPECT_NE(j.find(R"("failed_batches":25)"), std::string::npos);
}

TEST_F(BoardTest, TopListsAreCachedUntilABatchCommitsOrTheTtlPasses) {
  int calls = 0;
  board.set_top_lists([&] {
    ++calls;
    return std::string(R"({"n":)") + std::to_string(calls) + "}\n";
  });
  EXPECT_NE(board.json().find(R"("warehouse":{"n":1}})"), std::string::npos);
  board.json();
  EXPECT_EQ(calls, 1);
  board.record_batch(batch("s", 2, 0));
  EXPECT_NE(board.json().find(R"("warehouse":{"n":2}})"), std::string::npos);
  now += StatusBoard::kTopListsTtlMs;
  board.json();
  EXPECT_EQ(calls, 3);
}

TEST_F(BoardTest, AFailingProviderShowsItsError) {
  board.set_top_lists([]() -> std::string { throw std::runtime_error("no such table"); });
  EXPECT_NE(board.json().find(R"("warehouse":{"error":"no such table"}})"), std::string::npos);
}

}  // namespace
}  // namespace tributary::server
