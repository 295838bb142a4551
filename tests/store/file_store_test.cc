// FileStore specifics the conformance suite cannot see: the on-disk layout, the hidden temp
// directory, ETags of files written by other programs, and keys a filesystem cannot hold.
#include "store/file_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "store/digest.h"
#include "store/open_store.h"
#include "store/s3_error.h"
#include "temp_dir.h"

namespace tributary::store {
namespace {

namespace fs = std::filesystem;

// A full disk is the storage failing, not the object: callers retry or wait it out (the ingester
// as an outage, costing no attempt), as for S3's 5xx. A refusal, or one damaged file (EIO), is
// final.
TEST(FileStore, AFullDiskIsRetryableAndARefusalIsNot) {
  for (const int err : {ENOSPC, EDQUOT}) {
    EXPECT_EQ(error_code_of_errno(err), StoreErrorCode::kServer) << std::strerror(err);
    EXPECT_TRUE(is_retryable(error_code_of_errno(err))) << std::strerror(err);
  }
  for (const int err : {EACCES, EPERM, EROFS, ENOENT, ENAMETOOLONG, EINVAL, EIO}) {
    EXPECT_FALSE(is_retryable(error_code_of_errno(err))) << std::strerror(err);
  }
  EXPECT_EQ(error_code_of_errno(EROFS), StoreErrorCode::kAccessDenied);
}
using testing::TempDir;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_plain(const fs::path& p, const std::string& data) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << data;
}

std::vector<std::string> keys_of(const ListPage& page) {
  std::vector<std::string> out;
  for (const auto& o : page.objects) out.push_back(o.key);
  return out;
}

TEST(FileStore, KeysAreRelativePathsAndSlashesMakeDirectories) {
  TempDir dir;
  FileStore store(dir.path());
  store.put("Raw/listen_events/2023061719_20.json", "{}\n");
  EXPECT_EQ(slurp(dir.path() / "Raw/listen_events/2023061719_20.json"), "{}\n");
  EXPECT_EQ(store.uri(), "file://" + dir.path().string());
}

TEST(FileStore, EtagIsTheMd5OfTheContent) {
  TempDir dir;
  FileStore store(dir.path());
  // MD5("hello\n"), as `md5sum` prints it.
  EXPECT_EQ(store.put("k", "hello\n").etag, "b1946ac92492d2347c6235b4d2611184");
  EXPECT_EQ(store.head("k")->etag, "b1946ac92492d2347c6235b4d2611184");
  EXPECT_EQ(store.put("empty", "").etag, "d41d8cd98f00b204e9800998ecf8427e");
}

TEST(FileStore, FilesWrittenByOtherProgramsGetTheirEtagComputed) {
  TempDir dir;
  write_plain(dir.path() / "a/b.json", "hello\n");
  FileStore store(dir.path());
  const ListPage page = store.list("");
  ASSERT_EQ(page.objects.size(), 1u);
  EXPECT_EQ(page.objects[0].key, "a/b.json");
  EXPECT_EQ(page.objects[0].etag, "b1946ac92492d2347c6235b4d2611184");
  EXPECT_EQ(store.get("a/b.json").info.etag, "b1946ac92492d2347c6235b4d2611184");
}

TEST(FileStore, AStaleCachedEtagIsNotTrusted) {
  TempDir dir;
  FileStore store(dir.path());
  store.put("k", "hello\n");
  // Rewritten in place by another program: same inode, so the cached xattr stays behind.
  {
    std::ofstream out(dir.path() / "k", std::ios::binary | std::ios::trunc);
    out << "world!\n";
  }
  const std::string expected = to_hex(md5("world!\n"));
  EXPECT_EQ(store.head("k")->etag, expected);
  EXPECT_EQ(store.get("k").info.etag, expected);
  EXPECT_EQ(store.list("").objects.at(0).etag, expected);
}

TEST(FileStore, TemporaryFilesNeverShowInListings) {
  TempDir dir;
  FileStore store(dir.path());
  store.put("a", "1");
  // An orphan of a crashed put.
  write_plain(dir.path() / ".tributary-tmp" / "put-1-2-3", "partial");
  EXPECT_EQ(keys_of(store.list("")), std::vector<std::string>{"a"});
  EXPECT_EQ(keys_of(store.list(".")), std::vector<std::string>{});
  EXPECT_EQ(keys_of(store.list(".tributary-tmp/")), std::vector<std::string>{});
}

TEST(FileStore, SuccessfulPutsLeaveNoTemporaryFiles) {
  TempDir dir;
  FileStore store(dir.path());
  store.put("a", "1");
  store.put("a", "2");
  EXPECT_THROW(store.put("a", "3", {.if_none_match = true}), StoreError);
  EXPECT_TRUE(fs::is_empty(dir.path() / ".tributary-tmp"));
}

TEST(FileStore, ReservedAndUnrepresentableKeysAreRejectedClearly) {
  TempDir dir;
  FileStore store(dir.path());
  for (const std::string& key : std::vector<std::string>{".tributary-tmp/x", "a//b", "a/", "./a",
                                                         "a/../b", "..", std::string(256, 'x')}) {
    try {
      store.put(key, "x");
      ADD_FAILURE() << "accepted '" << key << "'";
    } catch (const StoreError& e) {
      EXPECT_EQ(e.code(), StoreErrorCode::kInvalidArgument) << key;
      EXPECT_NE(std::string(e.what()).find("file store cannot hold key"), std::string::npos)
          << e.what();
    }
  }
  EXPECT_FALSE(fs::exists(dir.path().parent_path() / "b"));
}

TEST(FileStore, AKeyCannotBeBothAnObjectAndADirectory) {
  TempDir dir;
  FileStore store(dir.path());
  store.put("a/b", "1");
  try {
    store.put("a", "x");
    FAIL() << "put over a directory succeeded";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.code(), StoreErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("other keys start with 'a/'"), std::string::npos);
  }
  store.put("c", "1");
  try {
    store.put("c/d", "x");
    FAIL() << "put under an object succeeded";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.code(), StoreErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("'c' is an object"), std::string::npos) << e.what();
  }
  // "a" is not an object, so it is not found and removing it is a no-op.
  EXPECT_FALSE(store.head("a").has_value());
  store.remove("a");
  EXPECT_EQ(store.get("a/b").body, "1");
}

TEST(FileStore, RemovingTheLastKeyUnderADirectoryFreesItsName) {
  TempDir dir;
  FileStore store(dir.path());
  store.put("a/b/c", "1");
  store.remove("a/b/c");
  EXPECT_FALSE(fs::exists(dir.path() / "a"));
  store.put("a", "now an object");
  EXPECT_EQ(store.get("a").body, "now an object");
}

TEST(FileStore, ListingNeverLeavesTheRoot) {
  TempDir dir;
  write_plain(dir.path() / "outside", "secret");
  const fs::path root = dir.path() / "root";
  FileStore store(root);
  store.put("inside", "1");
  EXPECT_TRUE(store.list("../").objects.empty());
  EXPECT_TRUE(store.list("../out").objects.empty());
  EXPECT_TRUE(store.list("/").objects.empty());
}

TEST(FileStore, TheRootIsCreatedByTheFirstPutAndReadsOfAMissingRootSaySo) {
  TempDir dir;
  FileStore store(dir.path() / "new" / "lake");
  try {
    store.list("");
    FAIL() << "listing a missing root succeeded";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.code(), StoreErrorCode::kNoSuchBucket);
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos);
  }
  EXPECT_THROW(
      {
        try {
          store.get("k");
        } catch (const StoreError& e) {
          EXPECT_EQ(e.code(), StoreErrorCode::kNoSuchBucket);
          throw;
        }
      },
      StoreError);
  store.put("k", "v");
  EXPECT_EQ(store.get("k").body, "v");
}

TEST(FileStore, FilesAreCreatedWithTheUmaskNotPrivately) {
  TempDir dir;
  const mode_t old = ::umask(022);
  FileStore store(dir.path());
  store.put("k", "v");
  ::umask(old);
  struct stat st {};
  ASSERT_EQ(::stat((dir.path() / "k").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST(FileStore, UnreadableObjectsAreAccessDeniedForNonRoot) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads every file";
  TempDir dir;
  FileStore store(dir.path());
  store.put("k", "v");
  fs::permissions(dir.path() / "k", fs::perms::none);
  try {
    store.get("k");
    FAIL() << "read an unreadable file";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.code(), StoreErrorCode::kAccessDenied);
  }
}

TEST(OpenStore, FileUris) {
  TempDir dir;
  auto store = open_store("file://" + dir.path().string() + "/with%20space/");
  EXPECT_EQ(store->uri(), "file://" + dir.path().string() + "/with space");
  store->put("k", "v");
  EXPECT_EQ(slurp(dir.path() / "with space" / "k"), "v");
}

TEST(OpenStore, FileStoreUrisRoundTripAnyDirectory) {
  TempDir dir;
  const std::filesystem::path odd = dir.path() / "50% off?#1 a";
  EXPECT_EQ(file_store_uri(odd), "file://" + dir.path().string() + "/50%25 off%3F%231 a");
  open_store(file_store_uri(odd))->put("k", "v");
  EXPECT_EQ(slurp(odd / "k"), "v");
}

TEST(OpenStore, BadUrisSayWhatIsWrong) {
  const std::pair<const char*, const char*> cases[] = {
      {"file://relative/dir", "absolute path and no host"},
      {"file:///a%2", "two hex digits"},
      {"file:///a?x=1", "no query"},
      {"/abs/dir", "expected file:///abs/dir or s3://bucket/prefix"},
      {"http://host/x", "expected file:///abs/dir or s3://bucket/prefix"},
      {"", "expected file:///abs/dir"},
  };
  for (const auto& [uri, why] : cases) {
    try {
      open_store(uri);
      ADD_FAILURE() << "accepted " << uri;
    } catch (const StoreError& e) {
      EXPECT_EQ(e.code(), StoreErrorCode::kInvalidArgument);
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace tributary::store
