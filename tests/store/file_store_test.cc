// FileStore specifics the conformance suite cannot see: the on-disk layout, the hidden temp
// directory, ETags of files written by other programs, and keys a filesystem cannot hold.
#include "store/file_store.h"

#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>

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

// Runs `body` in a child process that cannot read other users' 0600 files: as nobody when the
// test runs as root (whose power to read every file a mode cannot take away), as the test's own
// user otherwise. Returns what `body` returned, "threw <code>: <message>" for a StoreError, or
// nullopt when privileges could not be dropped. Forked, so the test process keeps its own.
std::optional<std::string> unprivileged(const std::function<std::string()>& body) {
  int fds[2];
  if (::pipe(fds) != 0) return std::nullopt;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    std::string out;
    constexpr uid_t kNobody = 65534;
    if (::geteuid() == 0 &&
        (::setgroups(0, nullptr) != 0 || ::setgid(kNobody) != 0 || ::setuid(kNobody) != 0)) {
      ::_exit(3);
    }
    try {
      out = body();
    } catch (const StoreError& e) {
      out = "threw " + std::to_string(static_cast<int>(e.code())) + ": " + e.what();
    }
    const bool written =
        ::write(fds[1], out.data(), out.size()) == static_cast<ssize_t>(out.size());
    ::_exit(written ? 0 : 4);
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;)
    out.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  return out;
}

// A file nobody but its owner may read (and the owner neither, when the test is not root).
void make_unreadable(const fs::path& p) {
  fs::permissions(
      p, ::geteuid() == 0 ? fs::perms::owner_read | fs::perms::owner_write : fs::perms::none);
}

// A directory only its owner may enter (and the owner neither, when the test is not root).
void make_private_dir(const fs::path& p) {
  fs::permissions(p, ::geteuid() == 0 ? fs::perms::owner_all : fs::perms::none);
}

std::string code_prefix(StoreErrorCode code) {
  return "threw " + std::to_string(static_cast<int>(code)) + ": ";
}

TEST(FileStore, UnreadableObjectsAreListedAndOnlyTheirReadsFail) {
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::all);  // traversable by the unprivileged child
  FileStore store(dir.path());
  store.put("raw/a.json", "a\n");
  store.put("raw/b.json", "b\n");
  store.put("raw/c.json", "c\n");
  fs::permissions(dir.path() / "raw", fs::perms::all);
  // Written by another program: no cached ETag, so listing it would need its bytes.
  ::removexattr((dir.path() / "raw/b.json").c_str(), "user.tributary.etag");
  make_unreadable(dir.path() / "raw/b.json");
  const std::optional<std::string> out = unprivileged([&] {
    std::string r;
    for (const ObjectInfo& o : store.list("raw/").objects) r += o.key + "=" + o.etag + " ";
    try {
      store.get("raw/b.json");
      r += "| read b";
    } catch (const StoreError& e) {
      r += "| " + code_prefix(e.code()) + e.what();
    }
    return r + " | c=" + store.get("raw/c.json").body;
  });
  if (!out) GTEST_SKIP() << "cannot drop privileges to check an unreadable file";
  const std::string size_and_mtime = "raw/b.json=unreadable-2-";
  EXPECT_NE(out->find("raw/a.json=" + to_hex(md5("a\n")) + " "), std::string::npos) << *out;
  EXPECT_NE(out->find(size_and_mtime), std::string::npos) << *out;
  EXPECT_NE(out->find("raw/c.json=" + to_hex(md5("c\n")) + " "), std::string::npos) << *out;
  EXPECT_NE(out->find("| " + code_prefix(StoreErrorCode::kAccessDenied)), std::string::npos)
      << *out;
  EXPECT_NE(out->find("Permission denied"), std::string::npos) << *out;
  EXPECT_NE(out->find("| c=c\n"), std::string::npos) << *out;
}

TEST(FileStore, AnUnreadableRootFailsTheListingInsteadOfLookingEmpty) {
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::all);
  FileStore store(dir.path() / "raw");
  store.put("listen_events/a.json", "a\n");
  make_private_dir(dir.path() / "raw");
  const std::optional<std::string> out = unprivileged([&] {
    std::string r;
    for (const std::string prefix : {"", "listen_events/"}) {
      try {
        r += std::to_string(store.list(prefix).objects.size()) + " listed; ";
      } catch (const StoreError& e) {
        r += code_prefix(e.code()) + e.what() + "; ";
      }
    }
    return r;
  });
  if (!out) GTEST_SKIP() << "cannot drop privileges to check an unreadable directory";
  EXPECT_EQ(out->find("listed"), std::string::npos) << *out;
  EXPECT_NE(out->find(code_prefix(StoreErrorCode::kAccessDenied) + store.uri() +
                      ": the root directory cannot be read: Permission denied"),
            std::string::npos)
      << *out;
  EXPECT_EQ(out->find("the directory"), std::string::npos) << *out;

  // Below a readable root, the directory that refuses is named.
  fs::permissions(dir.path() / "raw", fs::perms::all);
  make_private_dir(dir.path() / "raw/listen_events");
  const std::optional<std::string> below = unprivileged([&] {
    try {
      return std::to_string(store.list("listen_events/").objects.size()) + " listed";
    } catch (const StoreError& e) {
      return code_prefix(e.code()) + e.what();
    }
  });
  fs::permissions(dir.path() / "raw/listen_events", fs::perms::all);  // for the clean-up
  ASSERT_TRUE(below);
  EXPECT_EQ(*below, code_prefix(StoreErrorCode::kAccessDenied) + store.uri() +
                        ": the directory 'listen_events/' cannot be read: Permission denied");
}

TEST(FileStore, SymbolicLinksAreFollowedOnlyWhileTheyStayInsideTheRoot) {
  TempDir dir;
  write_plain(dir.path() / "outside/secret", "secret\n");
  const fs::path root = dir.path() / "root";
  FileStore store(root);
  store.put("raw/real.json", "real\n");
  store.put("raw/sub/x.json", "x\n");
  fs::create_symlink("real.json", root / "raw/inside.json");
  fs::create_symlink("../../outside/secret", root / "raw/relative-out.json");
  fs::create_symlink(dir.path() / "outside/secret", root / "raw/absolute-out.json");
  fs::create_symlink(dir.path() / "outside", root / "raw/dir-out");
  fs::create_symlink("sub", root / "raw/dir-in");
  fs::create_symlink("missing.json", root / "raw/dangling.json");
  fs::create_symlink("loop.json", root / "raw/loop.json");

  const ListPage page = store.list("raw/");
  EXPECT_EQ(keys_of(page),
            (std::vector<std::string>{"raw/absolute-out.json", "raw/dir-out", "raw/inside.json",
                                      "raw/loop.json", "raw/real.json", "raw/relative-out.json",
                                      "raw/sub/x.json"}));
  for (const ObjectInfo& o : page.objects) {
    const bool inside =
        o.key == "raw/inside.json" || o.key == "raw/real.json" || o.key == "raw/sub/x.json";
    EXPECT_EQ(o.etag.starts_with("unreadable-"), !inside) << o.key << " " << o.etag;
  }
  EXPECT_EQ(store.get("raw/inside.json").body, "real\n");
  EXPECT_EQ(store.get("raw/inside.json").info.etag, to_hex(md5("real\n")));
  EXPECT_EQ(store.head("raw/inside.json")->etag, to_hex(md5("real\n")));
  for (const std::string key :
       {"raw/relative-out.json", "raw/absolute-out.json", "raw/dir-out/secret", "raw/dir-out"}) {
    try {
      const GetResult got = store.get(key);
      ADD_FAILURE() << key << " was read: " << got.body;
    } catch (const StoreError& e) {
      EXPECT_EQ(e.code(), StoreErrorCode::kAccessDenied) << key;
      EXPECT_NE(std::string(e.what()).find("symbolic link that leads out of the store's root"),
                std::string::npos)
          << e.what();
    }
    EXPECT_THROW(store.get_range(key, 0, 3), StoreError) << key;
  }
  try {
    store.get("raw/loop.json");
    ADD_FAILURE() << "read a link loop";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.code(), StoreErrorCode::kAccessDenied);
    EXPECT_NE(std::string(e.what()).find("symbolic link loop"), std::string::npos) << e.what();
  }
  EXPECT_EQ(store.head("raw/relative-out.json")->etag.substr(0, 11), "unreadable-");
  EXPECT_FALSE(store.head("raw/dangling.json"));
}

TEST(FileStore, OrphanedTemporaryFilesAreRemovedAndLiveOnesKept) {
  TempDir dir;
  const fs::path tmp = dir.path() / std::string(FileStore::kTempDir);
  // As a put() killed between its write and its rename leaves them.
  write_plain(tmp / "put-1234-0-99", "orphan");
  write_plain(tmp / "put-1234-1-98", "in flight");
  write_plain(tmp / "not-ours", "kept");
  const auto old =
      fs::file_time_type::clock::now() - FileStore::kStaleTempAge - std::chrono::minutes(1);
  fs::last_write_time(tmp / "put-1234-0-99", old);
  fs::last_write_time(tmp / "not-ours", old);
  FileStore store(dir.path());
  store.put("k", "v");
  EXPECT_FALSE(fs::exists(tmp / "put-1234-0-99"));
  EXPECT_TRUE(fs::exists(tmp / "put-1234-1-98"));
  EXPECT_TRUE(fs::exists(tmp / "not-ours"));
  EXPECT_EQ(store.get("k").body, "v");
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
