// ListingPager and list_all on a FileStore with pages of one and two keys, so every listing spans
// several pages (the conformance suite runs the same walk on s3rver).
#include "store/listing_pager.h"

#include <gtest/gtest.h>

#include "store/file_store.h"
#include "store/forwarding_store.h"
#include "temp_dir.h"

namespace tributary::store {
namespace {

using testing::TempDir;

std::vector<std::string> keys_of(const std::vector<ObjectInfo>& objects) {
  std::vector<std::string> out;
  for (const ObjectInfo& o : objects) out.push_back(o.key);
  return out;
}

// Counts list() requests and the start_after each was sent with.
class CountingStore final : public ForwardingStore {
 public:
  explicit CountingStore(ObjectStore& wrapped) : ForwardingStore(wrapped) {}
  ListPage list(std::string_view prefix, std::string_view start_after,
                std::size_t max_keys) override {
    cursors.emplace_back(start_after);
    return wrapped().list(prefix, start_after, max_keys);
  }
  std::vector<std::string> cursors;
};

class ListingPagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* key : {"a/1", "a/2", "a/3", "a/4", "a/5", "b/1"}) files_.put(key, key);
  }
  TempDir dir_;
  FileStore files_{dir_.path()};
};

TEST_F(ListingPagerTest, WalksEveryPageFollowingTheLastKey) {
  CountingStore store(files_);
  ListingPager pager(store, "a/", "", 2);
  std::vector<std::vector<std::string>> pages;
  while (!pager.done()) pages.push_back(keys_of(pager.next().objects));
  const std::vector<std::vector<std::string>> expected = {{"a/1", "a/2"}, {"a/3", "a/4"}, {"a/5"}};
  EXPECT_EQ(pages, expected);
  EXPECT_EQ(store.cursors, (std::vector<std::string>{"", "a/2", "a/4"}));
  EXPECT_THROW(pager.next(), std::logic_error);
}

TEST_F(ListingPagerTest, ListAllReturnsEveryKeyOnceWhateverThePageSize) {
  const std::vector<std::string> all = {"a/1", "a/2", "a/3", "a/4", "a/5"};
  for (const std::size_t page_size : {1u, 2u, 5u, 1000u}) {
    EXPECT_EQ(keys_of(list_all(files_, "a/", "", page_size)), all) << page_size;
  }
  EXPECT_EQ(keys_of(list_all(files_, "", "a/4", 1)), (std::vector<std::string>{"a/5", "b/1"}));
  const std::vector<ObjectInfo> objects = list_all(files_, "a/", "a/4", 1);
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0].size, 3u);
  EXPECT_FALSE(objects[0].etag.empty());
}

TEST_F(ListingPagerTest, AnEmptyListingCostsOneRequest) {
  CountingStore store(files_);
  EXPECT_TRUE(list_all(store, "c/", "", 1).empty());
  EXPECT_EQ(store.cursors.size(), 1u);
}

// A server that claims more keys follow but starts the next page where the last began would make
// the walk endless; the pager refuses instead. (A misbehaving server cannot run here: a decorator
// plays it.)
class StuckStore final : public ForwardingStore {
 public:
  explicit StuckStore(ObjectStore& wrapped) : ForwardingStore(wrapped) {}
  ListPage list(std::string_view prefix, std::string_view, std::size_t max_keys) override {
    ListPage page = wrapped().list(prefix, {}, max_keys);
    page.truncated = true;
    return page;
  }
};

TEST_F(ListingPagerTest, APageThatDoesNotAdvanceIsAnIntegrityError) {
  StuckStore store(files_);
  ListingPager pager(store, "a/", "", 2);
  EXPECT_EQ(pager.next().objects.size(), 2u);
  try {
    pager.next();
    FAIL() << "a listing that does not advance was followed";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.code(), StoreErrorCode::kIntegrity);
    EXPECT_NE(std::string(e.what()).find("'a/2'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tributary::store
