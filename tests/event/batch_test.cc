// EventBatch's bulk appends (joining the batches decoded per object, keeping the new rows of a
// batch) give exactly the rows, values, nulls, keys and sources that appending row by row gives.
#include "event/batch.h"

#include <gtest/gtest.h>

#include <vector>

#include "event/decoder.h"
#include "test_support.h"

namespace tributary::event {
namespace {

using tributary::testing::test_data;

EventBatch decode(Stream stream, std::string_view text, std::string_view key) {
  EventBatch batch(stream);
  std::vector<QuarantineRecord> quarantine;
  ObjectDecoder(stream).decode(key, text, batch, quarantine);
  return batch;
}

// Every row of `a` and `b` reads the same: each column's validity and value, the unknown
// fields, the key and the source object.
void expect_same_rows(const EventBatch& a, const EventBatch& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t row = 0; row < a.size(); ++row) {
    for (std::size_t c = 0; c <= a.fields().size(); ++c) {
      const Column& x = c < a.fields().size() ? a.column(c) : a.extra();
      const Column& y = c < a.fields().size() ? b.column(c) : b.extra();
      ASSERT_EQ(x.is_valid(row), y.is_valid(row)) << "row " << row << " column " << c;
      switch (x.type) {
        case FieldType::kString:
          ASSERT_EQ(x.str.at(row), y.str.at(row)) << "row " << row << " column " << c;
          break;
        case FieldType::kInt32:
          ASSERT_EQ(x.i32[row], y.i32[row]);
          break;
        case FieldType::kInt64:
        case FieldType::kTimestampMs:
          ASSERT_EQ(x.i64[row], y.i64[row]);
          break;
        case FieldType::kDouble:
          ASSERT_EQ(x.f64[row], y.f64[row]);
          break;
        case FieldType::kBool:
          ASSERT_EQ(x.b[row], y.b[row]);
          break;
      }
    }
    ASSERT_EQ(a.keys()[row], b.keys()[row]);
    ASSERT_EQ(a.source_key(row), b.source_key(row));
  }
}

class EventBatchTest : public ::testing::Test {
 protected:
  // Three objects of page views (nullable columns with nulls: guests have no userId), the
  // second one empty.
  void SetUp() override {
    const std::string lines = test_data("page_view_events.jsonl");
    const std::size_t half = lines.find('\n', lines.size() / 2) + 1;
    parts_.push_back(decode(Stream::kPageView, lines.substr(0, half), "obj/1.json"));
    parts_.push_back(EventBatch(Stream::kPageView));
    parts_.push_back(decode(Stream::kPageView, lines.substr(half), "obj/2.json"));
    for (const EventBatch& part : parts_) {
      for (std::size_t row = 0; row < part.size(); ++row) one_by_one_.append_row(part, row);
    }
    ASSERT_GT(parts_[0].size(), 10u);
    ASSERT_GT(parts_[2].size(), 10u);
  }

  std::vector<EventBatch> parts_;
  EventBatch one_by_one_{Stream::kPageView};
};

TEST_F(EventBatchTest, AppendBatchesJoinsPartsAsRowByRowAppendsDo) {
  EventBatch joined(Stream::kPageView);
  std::vector<EventBatch> parts = parts_;
  joined.append_batches(std::move(parts));
  expect_same_rows(joined, one_by_one_);
  EXPECT_EQ(joined.sources().size(), 2u);
  // The parts were emptied as they were taken, down to what a new batch holds (the vector
  // itself is left in place).
  for (const EventBatch& part : parts) {
    EXPECT_TRUE(part.empty());
    EXPECT_EQ(part.memory_bytes(), EventBatch(Stream::kPageView).memory_bytes());
  }
  // Appending to a batch that already has rows shifts the new rows' strings past its own.
  joined.append_batches(std::vector<EventBatch>(parts_));
  EventBatch twice(Stream::kPageView);
  for (int i = 0; i < 2; ++i) {
    for (std::size_t row = 0; row < one_by_one_.size(); ++row) twice.append_row(one_by_one_, row);
  }
  expect_same_rows(joined, twice);
}

TEST_F(EventBatchTest, AppendRowsCopiesARangeAcrossSources) {
  const std::size_t begin = parts_[0].size() - 3;
  const std::size_t end =
      parts_[0].size() + 4;  // three rows of the first object, four of the second
  EventBatch range(Stream::kPageView);
  range.append_rows(one_by_one_, 0, 0);
  range.append_rows(one_by_one_, begin, end);
  EventBatch expected(Stream::kPageView);
  for (std::size_t row = begin; row < end; ++row) expected.append_row(one_by_one_, row);
  expect_same_rows(range, expected);
  EXPECT_EQ(range.sources().size(), 2u);
  EXPECT_THROW(range.append_rows(one_by_one_, 0, one_by_one_.size() + 1), std::out_of_range);
  EXPECT_THROW(range.append_rows(EventBatch(Stream::kListen), 0, 0), std::invalid_argument);
}

}  // namespace
}  // namespace tributary::event
