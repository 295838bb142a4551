#include "store/file_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>
#include <utility>

#include "store/digest.h"
#include "store/object_key.h"

namespace tributary::store {

namespace fs = std::filesystem;

namespace {

constexpr const char* kEtagXattr = "user.tributary.etag";
// Linux's NAME_MAX: the longest single path segment.
constexpr std::size_t kMaxSegmentBytes = 255;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now, reporting the error close() returns (it can report a failed write-back).
  int close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

std::int64_t mtime_ns(const struct stat& st) {
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

// The cached ETag record: "<md5 hex> <size> <mtime ns>"; valid only for that size and mtime.
std::string etag_record(const std::string& etag, const struct stat& st) {
  return etag + " " + std::to_string(st.st_size) + " " + std::to_string(mtime_ns(st));
}

std::optional<std::string> cached_etag(int fd, const struct stat& st) {
  char buf[128];
  const ssize_t n = ::fgetxattr(fd, kEtagXattr, buf, sizeof buf);
  if (n <= 32) return std::nullopt;
  const std::string record(buf, static_cast<std::size_t>(n));
  const std::string etag = record.substr(0, 32);
  if (record != etag_record(etag, st)) return std::nullopt;
  return etag;
}

// Best effort: a read-only file or a filesystem without user xattrs just recomputes next time.
void cache_etag(int fd, const std::string& etag, const struct stat& st) {
  const std::string record = etag_record(etag, st);
  (void)::fsetxattr(fd, kEtagXattr, record.data(), record.size(), 0);
}

ssize_t pread_full(int fd, char* buf, std::size_t size, std::uint64_t offset) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd, buf + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return static_cast<ssize_t>(done);
}

bool write_full(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool fsync_dir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  Fd guard(fd);
  return ::fsync(fd) == 0;
}

std::string unique_temp_name() {
  static std::atomic<std::uint64_t> counter{0};
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return "put-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1)) + "-" +
         std::to_string(rng());
}

// Splits a key's path segments, checking each one a filesystem can hold. `what` names the
// string in errors ("key", "prefix").
std::vector<std::string_view> path_segments(std::string_view s, bool allow_trailing_slash,
                                            std::string_view what) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t slash = s.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? s.size() : slash;
    const std::string_view seg = s.substr(start, end - start);
    const bool last = slash == std::string_view::npos;
    if (last && seg.empty() && allow_trailing_slash) break;
    auto fail = [&](const std::string& why) {
      throw StoreError(
          StoreErrorCode::kInvalidArgument,
          "file store cannot hold " + std::string(what) + " '" + std::string(s) + "': " + why);
    };
    if (seg.empty()) fail("empty path segment (\"//\" or a trailing '/')");
    if (seg == "." || seg == "..") fail("'.' and '..' segments are not allowed");
    if (seg.size() > kMaxSegmentBytes) fail("a path segment is longer than 255 bytes");
    if (out.empty() && seg == FileStore::kTempDir) fail("'.tributary-tmp' is reserved");
    out.push_back(seg);
    if (last) break;
    start = slash + 1;
  }
  return out;
}

struct ListQuery {
  std::string_view prefix;
  std::string_view start_after;
  std::size_t limit;  // max_keys + 1, to learn whether the page is truncated
};

// Opens `rel` (a key's path, or "." for the root) relative to the root directory `root_fd`
// without ever leaving it: symbolic links are followed only while they stay beneath the root, and
// a link that climbs out of it or is absolute fails with EXDEV (RESOLVE_BENEATH), whatever it
// points to. `resolve` adds RESOLVE_* flags (RESOLVE_NO_SYMLINKS: follow no link at all).
int open_beneath(int root_fd, const char* rel, int flags, std::uint64_t resolve = 0) {
  open_how how{};
  how.flags = static_cast<std::uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | resolve;
  for (;;) {
    const long fd = ::syscall(SYS_openat2, root_fd, rel, &how, sizeof how);
    // EAGAIN: a rename elsewhere in the tree raced with the resolution, which the kernel then
    // refuses to vouch for; trying again resolves afresh.
    if (fd < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    return static_cast<int>(fd);
  }
}

// Why a path the walk found cannot be read, for an errno of open_beneath(); empty when the errno
// says the object is simply not there.
std::string refusal_of_errno(int err) {
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return {};
    case EXDEV:
      return "it is a symbolic link that leads out of the store's root (or is absolute); the file "
             "store does not follow such links";
    case ELOOP:
      return "it is a symbolic link loop";
    default:
      return std::strerror(err);
  }
}

struct DirEntry {
  std::string sort_key;  // the name, plus "/" for a directory
  bool is_dir;
};

// The entries of the directory `rel` ("" for the root) that hold keys: regular files, real
// directories, and symbolic links that resolve, beneath the root, to a regular file, or that leave
// the root (listed so that reading them fails as that object's failure, never silently). Links to
// directories are not followed: the objects beneath them are listed under their real keys, and a
// link cannot make the walk loop.
std::vector<DirEntry> read_dir_sorted(int root_fd, const std::string& rel, const std::string& uri) {
  std::vector<DirEntry> out;
  const int fd = open_beneath(root_fd, rel.empty() ? "." : rel.c_str(), O_RDONLY | O_DIRECTORY,
                              RESOLVE_NO_SYMLINKS);
  if (fd < 0) {
    const int err = errno;
    // A directory listed but unreadable would otherwise look empty: every key in it would be
    // missed without a word.
    if (err == EACCES || err == EPERM) {
      // Blamed on the root when the root is what refuses (a prefix's directory is reached
      // through it).
      const bool root = rel.empty() || ::faccessat(root_fd, ".", R_OK | X_OK, AT_EACCESS) != 0;
      throw StoreError(
          StoreErrorCode::kAccessDenied,
          uri + ": " + (root ? std::string("the root directory") : "the directory '" + rel + "'") +
              " cannot be read: " + std::strerror(err));
    }
    return out;  // vanished, or replaced by a link or a file: holds no keys
  }
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    ::close(fd);
    return out;
  }
  std::unique_ptr<DIR, int (*)(DIR*)> guard(d, &::closedir);
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    if (rel.empty() && name == FileStore::kTempDir) continue;
    unsigned char type = e->d_type;
    if (type == DT_UNKNOWN) {
      struct stat st {};
      if (::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      type = S_ISDIR(st.st_mode)   ? DT_DIR
             : S_ISREG(st.st_mode) ? DT_REG
             : S_ISLNK(st.st_mode) ? DT_LNK
                                   : DT_UNKNOWN;
    }
    bool is_dir = type == DT_DIR;
    bool is_file = type == DT_REG;
    if (type == DT_LNK) {
      const std::string path = rel + std::string(name);
      const int target = open_beneath(root_fd, path.c_str(), O_PATH);
      if (target < 0) {
        is_file = !refusal_of_errno(errno).empty();  // dangling: holds no key
      } else {
        struct stat st {};
        is_file = ::fstat(target, &st) == 0 && S_ISREG(st.st_mode);
        ::close(target);
      }
    }
    // Sockets, FIFOs and devices are not objects.
    if (!is_dir && !is_file) continue;
    out.push_back({is_dir ? std::string(name) + "/" : std::string(name), is_dir});
  }
  std::sort(out.begin(), out.end(),
            [](const DirEntry& a, const DirEntry& b) { return a.sort_key < b.sort_key; });
  return out;
}

// Errors opening an object that are that object's alone: listed all the same (see file_store.h),
// so that reading it fails as that object's failure instead of the whole listing's.
bool refused_alone(int err) {
  return err == EACCES || err == EPERM || err == EXDEV || err == ELOOP;
}

// An object the store cannot read: its ETag is stable while the file's size and mtime are, and
// never a hex MD5, so it cannot be mistaken for a content hash.
ObjectInfo unreadable_info(int root_fd, const std::string& key) {
  struct stat st {};
  if (::fstatat(root_fd, key.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return {key, 0, "unreadable", 0};
  }
  return {key, static_cast<std::uint64_t>(st.st_size),
          "unreadable-" + std::to_string(st.st_size) + "-" + std::to_string(mtime_ns(st)),
          mtime_ns(st) / 1'000'000};
}

// The root directory as a handle for open_beneath(). Throws kNoSuchBucket when it does not exist.
int open_root(const fs::path& root, const std::string& uri) {
  const int fd = ::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) return fd;
  const int err = errno;
  if (err == ENOENT || err == ENOTDIR) {
    throw StoreError(StoreErrorCode::kNoSuchBucket, uri + ": the root directory does not exist");
  }
  throw StoreError(error_code_of_errno(err),
                   uri + ": the root directory cannot be reached: " + std::strerror(err));
}

// The object `key` names, or nullopt when there is none. A regular file's ETag is its MD5 (cached,
// or computed now); a file the store may not or cannot read gets unreadable_info().
// Other errors (too many open files, ...) are the process's, not the object's: thrown, naming `op`.
std::optional<ObjectInfo> describe(int root_fd, const std::string& key, const std::string& uri,
                                   std::string_view op) {
  const auto fail = [&](int err) {
    throw StoreError(error_code_of_errno(err),
                     uri + ": " + std::string(op) + " '" + key + "': " + std::strerror(err));
  };
  const int fd = open_beneath(root_fd, key.c_str(), O_RDONLY);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) return std::nullopt;
    if (!refused_alone(err)) fail(err);
    return unreadable_info(root_fd, key);
  }
  Fd guard(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) fail(errno);
  if (!S_ISREG(st.st_mode)) return std::nullopt;
  ObjectInfo info{key, static_cast<std::uint64_t>(st.st_size), {}, mtime_ns(st) / 1'000'000};
  if (auto etag = cached_etag(fd, st)) {
    info.etag = *etag;
    return info;
  }
  Md5Hasher h;
  std::string buf(1 << 20, '\0');
  for (std::uint64_t off = 0;;) {
    const ssize_t n = pread_full(fd, buf.data(), buf.size(), off);
    // A damaged file (EIO) is that object's failure too: reading it will fail again, for it alone.
    if (n < 0) return unreadable_info(root_fd, key);
    if (n == 0) break;
    h.update(std::string_view(buf.data(), static_cast<std::size_t>(n)));
    off += static_cast<std::uint64_t>(n);
  }
  info.etag = to_hex(h.finish());
  cache_etag(fd, info.etag, st);
  return info;
}

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

}  // namespace

FileStore::FileStore(fs::path root) : root_(std::move(root)) {
  if (!root_.is_absolute()) {
    throw StoreError(StoreErrorCode::kInvalidArgument,
                     "file store root must be an absolute path, got '" + root_.string() + "'");
  }
  root_ = root_.lexically_normal();
  // "/data/lake/" and "/data/lake" are one store.
  if (!root_.has_filename() && root_.has_relative_path()) root_ = root_.parent_path();
}

std::string FileStore::uri() const {
  return "file://" + root_.string();
}

fs::path FileStore::path_of(std::string_view key) const {
  check_object_key(key);
  fs::path p = root_;
  for (const std::string_view seg : path_segments(key, false, "key")) p /= fs::path(seg);
  return p;
}

StoreErrorCode error_code_of_errno(int err) {
  switch (err) {
    case EACCES:
    case EPERM:
    case EROFS:
      return StoreErrorCode::kAccessDenied;
    case ENOENT:
      return StoreErrorCode::kNotFound;
    case ENAMETOOLONG:
      return StoreErrorCode::kInvalidArgument;
    case ENOSPC:
    case EDQUOT:
      return StoreErrorCode::kServer;
    default:
      return StoreErrorCode::kOther;
  }
}

void FileStore::fail_errno(int err, std::string_view op, std::string_view key) const {
  const StoreErrorCode code = error_code_of_errno(err);
  throw StoreError(
      code, uri() + ": " + std::string(op) + " '" + std::string(key) + "': " + std::strerror(err));
}

ListPage FileStore::list(std::string_view prefix, std::string_view start_after,
                         std::size_t max_keys) {
  if (max_keys == 0) {
    throw StoreError(StoreErrorCode::kInvalidArgument, "list: max_keys must be at least 1");
  }
  const Fd root(open_root(root_, uri()));
  ListPage page;
  // Start in the deepest directory the prefix names; a prefix no key can have lists nothing.
  const std::size_t last_slash = prefix.rfind('/');
  const std::string dir_part(
      last_slash == std::string_view::npos ? std::string_view{} : prefix.substr(0, last_slash + 1));
  if (!dir_part.empty()) {
    try {
      path_segments(dir_part, true, "prefix");
    } catch (const StoreError&) {
      return page;
    }
  }
  const ListQuery q{prefix, start_after, max_keys + 1};
  std::vector<std::string> files;  // keys (paths relative to the root), in key order

  // Depth-first in key order; see file_store.h for why this equals S3's byte order.
  auto walk = [&](auto&& self, const std::string& dir) -> void {
    for (const DirEntry& e : read_dir_sorted(root.get(), dir, uri())) {
      if (files.size() >= q.limit) return;
      std::string full = dir + e.sort_key;
      if (e.is_dir) {
        if (!starts_with(full, q.prefix) && !starts_with(q.prefix, full)) continue;
        if (std::string_view(full).compare(q.start_after) < 0 &&
            !starts_with(q.start_after, full)) {
          continue;
        }
        self(self, full);
      } else {
        if (!starts_with(full, q.prefix) || std::string_view(full).compare(q.start_after) <= 0) {
          continue;
        }
        files.push_back(std::move(full));
      }
    }
  };
  walk(walk, dir_part);

  for (const std::string& key : files) {
    // Gone since the directory was read: not listed.
    if (auto info = describe(root.get(), key, uri(), "list")) {
      page.objects.push_back(std::move(*info));
    }
  }
  if (page.objects.size() > max_keys) {
    page.objects.resize(max_keys);
    page.truncated = true;
  } else if (files.size() > max_keys) {
    // An object vanished while listing; the page is still short of max_keys but more may follow.
    page.truncated = true;
  }
  return page;
}

GetResult FileStore::read(std::string_view key, std::uint64_t offset, std::uint64_t length,
                          bool ranged) {
  path_of(key);  // validates the key
  const Fd root(open_root(root_, uri()));
  const int fd = open_beneath(root.get(), std::string(key).c_str(), O_RDONLY);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) {
      throw StoreError(StoreErrorCode::kNotFound,
                       uri() + ": no object with key '" + std::string(key) + "'");
    }
    if (err == EXDEV || err == ELOOP) {
      throw StoreError(StoreErrorCode::kAccessDenied,
                       uri() + ": get '" + std::string(key) + "': " + refusal_of_errno(err));
    }
    fail_errno(err, "get", key);
  }
  Fd guard(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) fail_errno(errno, "get: stat", key);
  if (!S_ISREG(st.st_mode)) {
    throw StoreError(StoreErrorCode::kNotFound,
                     uri() + ": no object with key '" + std::string(key) + "'");
  }
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (ranged) {
    if (length == 0) {
      throw StoreError(StoreErrorCode::kInvalidArgument,
                       "get_range '" + std::string(key) + "': the length is zero");
    }
    if (offset >= size) {
      throw StoreError(StoreErrorCode::kInvalidArgument,
                       "get_range '" + std::string(key) + "': offset " + std::to_string(offset) +
                           " is not inside the object's " + std::to_string(size) + " bytes");
    }
  } else {
    offset = 0;
    length = size;
  }
  const std::uint64_t want = std::min(length, size - offset);
  GetResult r;
  r.body.resize(want);
  const ssize_t n = pread_full(fd, r.body.data(), want, offset);
  if (n < 0) fail_errno(errno, "get: read", key);
  if (static_cast<std::uint64_t>(n) != want) {
    throw StoreError(StoreErrorCode::kIntegrity, uri() + ": '" + std::string(key) +
                                                     "' shrank while being read (another " +
                                                     "program is writing it in place)");
  }
  r.info = {std::string(key), size, {}, mtime_ns(st) / 1'000'000};
  if (auto etag = cached_etag(fd, st)) {
    r.info.etag = *etag;
  } else if (!ranged) {
    r.info.etag = to_hex(md5(r.body));
    cache_etag(fd, r.info.etag, st);
  } else {
    std::string whole(size, '\0');
    if (pread_full(fd, whole.data(), size, 0) != static_cast<ssize_t>(size)) {
      fail_errno(errno == 0 ? EIO : errno, "get: read", key);
    }
    r.info.etag = to_hex(md5(whole));
    cache_etag(fd, r.info.etag, st);
  }
  return r;
}

GetResult FileStore::get(std::string_view key) {
  return read(key, 0, 0, false);
}

GetResult FileStore::get_range(std::string_view key, std::uint64_t offset, std::uint64_t length) {
  return read(key, offset, length, true);
}

std::optional<ObjectInfo> FileStore::head(std::string_view key) {
  path_of(key);  // validates the key
  const Fd root(open_root(root_, uri()));
  return describe(root.get(), std::string(key), uri(), "head");
}

ObjectInfo FileStore::put(std::string_view key, std::string_view body, const PutOptions& options) {
  const fs::path target = path_of(key);
  const fs::path tmp_dir = root_ / std::string(kTempDir);
  std::error_code ec;
  fs::create_directories(tmp_dir, ec);
  if (ec) fail_errno(ec.value(), "put: create " + tmp_dir.string() + " for", key);
  remove_stale_temps(tmp_dir);

  const fs::path tmp = tmp_dir / unique_temp_name();
  // 0666 before the umask, like any file a program creates.
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) fail_errno(errno, "put: create temporary file for", key);
  struct TempGuard {
    const fs::path& path;
    bool armed = true;
    ~TempGuard() {
      if (armed) ::unlink(path.c_str());
    }
  } temp_guard{tmp};

  Fd file(fd);
  if (!write_full(fd, body)) fail_errno(errno, "put: write", key);
  if (::fsync(fd) != 0) fail_errno(errno, "put: fsync", key);
  struct stat st {};
  if (::fstat(fd, &st) != 0) fail_errno(errno, "put: stat", key);
  const std::string etag = to_hex(md5(body));
  cache_etag(fd, etag, st);
  if (file.close() != 0) fail_errno(errno, "put: close", key);

  // Create missing parents; a concurrent remove() may prune an empty parent between creating
  // it and renaming into it, so that step is retried.
  for (int attempt = 0;; ++attempt) {
    fs::path dir = root_;
    const fs::path rel = target.parent_path().lexically_relative(root_);
    for (const fs::path& seg : rel) {
      if (seg == ".") continue;
      const fs::path parent = dir;
      dir /= seg;
      if (::mkdir(dir.c_str(), 0777) == 0) {
        fsync_dir(parent);
      } else if (errno != EEXIST) {
        const int err = errno;
        if (err == ENOTDIR) {
          throw StoreError(StoreErrorCode::kInvalidArgument,
                           uri() + ": cannot put '" + std::string(key) + "': '" +
                               dir.lexically_relative(root_).parent_path().string() +
                               "' is an object, so it cannot also be a key prefix directory");
        }
        fail_errno(err, "put: mkdir for", key);
      } else if (!fs::is_directory(dir)) {
        throw StoreError(StoreErrorCode::kInvalidArgument,
                         uri() + ": cannot put '" + std::string(key) + "': '" +
                             dir.lexically_relative(root_).string() +
                             "' is an object, so it cannot also be a key prefix directory");
      }
    }
    const int rc = options.if_none_match ? ::link(tmp.c_str(), target.c_str())
                                         : ::rename(tmp.c_str(), target.c_str());
    if (rc == 0) break;
    const int err = errno;
    if (err == ENOENT && attempt < 5) continue;
    if (err == EISDIR || (err == EEXIST && fs::is_directory(target))) {
      throw StoreError(StoreErrorCode::kInvalidArgument,
                       uri() + ": cannot put '" + std::string(key) + "': other keys start with '" +
                           std::string(key) + "/', so the file store holds it as a directory");
    }
    if (err == EEXIST) {
      throw StoreError(StoreErrorCode::kPreconditionFailed,
                       uri() + ": '" + std::string(key) + "' already exists (if_none_match)");
    }
    fail_errno(err, "put: rename into place", key);
  }
  if (!options.if_none_match) temp_guard.armed = false;  // renamed away; link() leaves it
  if (!fsync_dir(target.parent_path())) fail_errno(errno, "put: fsync directory of", key);
  return {std::string(key), static_cast<std::uint64_t>(st.st_size), etag, mtime_ns(st) / 1'000'000};
}

void FileStore::remove_stale_temps(const fs::path& tmp_dir) {
  const std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
  const std::int64_t age_ms = std::chrono::milliseconds(kStaleTempAge).count();
  std::int64_t due = next_temp_sweep_ms_.load();
  // One thread sweeps; the others go on with their puts.
  if (now_ms < due || !next_temp_sweep_ms_.compare_exchange_strong(due, now_ms + age_ms)) return;
  DIR* d = ::opendir(tmp_dir.c_str());
  if (d == nullptr) return;  // best effort: the next sweep tries again
  std::unique_ptr<DIR, int (*)(DIR*)> guard(d, &::closedir);
  while (const dirent* e = ::readdir(d)) {
    // Only names put() gives its temporary files.
    if (std::string_view(e->d_name).substr(0, 4) != "put-") continue;
    struct stat st {};
    if (::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (S_ISREG(st.st_mode) && mtime_ns(st) / 1'000'000 < now_ms - age_ms) {
      ::unlinkat(::dirfd(d), e->d_name, 0);
    }
  }
}

void FileStore::remove(std::string_view key) {
  const fs::path target = path_of(key);
  if (::unlink(target.c_str()) != 0) {
    const int err = errno;
    // Missing, or a directory of other keys: either way no object has this key.
    if (err == ENOENT || err == ENOTDIR || err == EISDIR) return;
    fail_errno(err, "remove", key);
  }
  fsync_dir(target.parent_path());
  // Prune directories the removal emptied, so that their names can become objects again.
  for (fs::path dir = target.parent_path(); dir != root_; dir = dir.parent_path()) {
    if (::rmdir(dir.c_str()) != 0) break;
    fsync_dir(dir.parent_path());
  }
}

}  // namespace tributary::store
