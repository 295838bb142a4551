// FileStore: a local directory acting as a bucket (file:///abs/dir), the embedded default.
//
// Layout and invariants:
//  - Key "a/b/c.json" is the file <root>/a/b/c.json; '/' in a key makes subdirectories.
//  - put() writes <root>/.tributary-tmp/<unique>, fsyncs it, records the ETag in an extended
//    attribute, then renames it over the target (link() for if_none_match, which fails atomically
//    when the key exists) and fsyncs the target's directory. Readers therefore see the old file or
//    the whole new one, and a crash leaves at most an orphan in .tributary-tmp, never a partial
//    object. ".tributary-tmp" is reserved: listings skip it and keys cannot start with it.
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

 private:
  std::filesystem::path path_of(std::string_view key) const;  // validates the key
  [[noreturn]] void fail_errno(int err, std::string_view op, std::string_view key) const;
  GetResult read(std::string_view key, std::uint64_t offset, std::uint64_t length, bool ranged);

  std::filesystem::path root_;
};

}  // namespace tributary::store
