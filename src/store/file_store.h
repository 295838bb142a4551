// FileStore: a local directory acting as a bucket (file:///abs/dir), the embedded default.
//
// Layout and invariants:
//  - Key "a/b/c.json" is the file <root>/a/b/c.json; '/' in a key makes subdirectories.
//  - put() writes <root>/.tributary-tmp/put-<unique>, fsyncs it, records the ETag in an extended
//    attribute, then renames it over the target (link() for if_none_match, which fails atomically
//    when the key exists) and fsyncs the target's directory. Readers therefore see the old file or
//    the whole new one, and a crash leaves at most an orphan in .tributary-tmp, never a partial
//    object. ".tributary-tmp" is reserved: listings skip it and keys cannot start with it.
//  - Orphans are removed: the first put() of a FileStore, and then one every kStaleTempAge,
//    deletes the temporary files last written more than kStaleTempAge ago. No put() takes that
//    long between its last write and its rename, so a live writer's file (of any process, on any
//    host sharing the directory) is never removed.
//  - Symbolic links are followed only while they stay beneath the root (openat2 RESOLVE_BENEATH):
//    a link to a file inside the root reads as that file. A link that leaves the root (or is
//    absolute, or loops) is listed, with an "unreadable-..." ETag, but never read: get() fails
//    with kAccessDenied saying why, so it is that object's failure and its target's bytes never
//    enter the lake. Links to directories are not descended into (their objects are listed under
//    their real keys; no loops).
//  - An object the store may not read (permissions, EIO while computing its MD5) is listed all
//    the same, with the ETag "unreadable-<size>-<mtime ns>" (never a hex MD5), and get() fails
//    with the error: one bad file is its own failure, not the listing's. A directory that cannot
//    be read, the root included, fails list() with kAccessDenied: it would otherwise look empty.
//  - The ETag is the lower-case hex MD5 of the content, as S3 gives for single-part uploads.
//    It is cached in the xattr "user.tributary.etag" together with the size and mtime it was
//    computed for; a file written by another program (or a filesystem without user xattrs) gets
//    its MD5 computed when it is listed or read.
//  - list() walks the tree in S3's byte-wise key order without sorting the whole tree: a
//    directory "a" holds exactly the keys starting with "a/", so within a directory entries are
//    visited in the order of name (files) or name + "/" (directories). Subtrees entirely before
//    start_after or outside the prefix are not read.
//  - The root directory is created by the first put(); reads of a missing root fail with
//    kNoSuchBucket.
//  - Paths cannot express every S3 key. Keys with empty, "." or ".." segments or a trailing '/',
//    and a key that is both an object and a "directory" of another key ("a" and "a/b"), are
//    rejected with kInvalidArgument naming the conflict.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>

#include "store/object_store.h"

namespace tributary::store {

// What an errno from the file system means to a caller of the store: EACCES/EPERM/EROFS are
// kAccessDenied, ENOENT kNotFound, ENAMETOOLONG kInvalidArgument; ENOSPC and EDQUOT are kServer,
// the storage failing rather than the request (S3's 507), which callers retry or wait out
// (is_retryable) instead of blaming the object; anything else, EIO included (more often one
// damaged file than a whole disk), kOther.
StoreErrorCode error_code_of_errno(int err);

class FileStore final : public ObjectStore {
 public:
  // `root` must be absolute.
  explicit FileStore(std::filesystem::path root);

  ListPage list(std::string_view prefix, std::string_view start_after = {},
                std::size_t max_keys = 1000) override;
  GetResult get(std::string_view key) override;
  GetResult get_range(std::string_view key, std::uint64_t offset, std::uint64_t length) override;
  std::optional<ObjectInfo> head(std::string_view key) override;
  ObjectInfo put(std::string_view key, std::string_view body,
                 const PutOptions& options = {}) override;
  void remove(std::string_view key) override;
  std::string uri() const override;

  // The reserved directory for in-flight writes.
  static constexpr std::string_view kTempDir = ".tributary-tmp";
  // How old a temporary file must be to be an orphan (see above).
  static constexpr std::chrono::hours kStaleTempAge{1};

 private:
  std::filesystem::path path_of(std::string_view key) const;  // validates the key
  [[noreturn]] void fail_errno(int err, std::string_view op, std::string_view key) const;
  GetResult read(std::string_view key, std::uint64_t offset, std::uint64_t length, bool ranged);
  // Deletes orphaned temporary files when a sweep is due (see above).
  void remove_stale_temps(const std::filesystem::path& tmp_dir);

  std::filesystem::path root_;
  std::atomic<std::int64_t> next_temp_sweep_ms_{0};  // epoch ms
};

}  // namespace tributary::store
