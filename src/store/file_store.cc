#include "store/file_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
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

struct DirEntry {
  std::string sort_key;  // the name, plus "/" for a directory
  bool is_dir;
};

std::vector<DirEntry> read_dir_sorted(const fs::path& dir, bool is_root) {
  std::vector<DirEntry> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return out;  // vanished or not a directory: holds no keys
  std::unique_ptr<DIR, int (*)(DIR*)> guard(d, &::closedir);
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    if (is_root && name == FileStore::kTempDir) continue;
    bool is_dir = e->d_type == DT_DIR;
    bool is_file = e->d_type == DT_REG;
    if (e->d_type == DT_UNKNOWN || e->d_type == DT_LNK) {
      struct stat st {};
      if (::stat((dir / e->d_name).c_str(), &st) != 0) continue;
      is_dir = S_ISDIR(st.st_mode);
      is_file = S_ISREG(st.st_mode);
    }
    // Sockets, FIFOs and devices are not objects.
    if (!is_dir && !is_file) continue;
    out.push_back({is_dir ? std::string(name) + "/" : std::string(name), is_dir});
  }
  std::sort(out.begin(), out.end(),
            [](const DirEntry& a, const DirEntry& b) { return a.sort_key < b.sort_key; });
  return out;
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
  struct stat root_st {};
  if (::stat(root_.c_str(), &root_st) != 0 || !S_ISDIR(root_st.st_mode)) {
    throw StoreError(StoreErrorCode::kNoSuchBucket, uri() + ": the root directory does not exist");
  }
  ListPage page;
  // Start in the deepest directory the prefix names; a prefix no key can have lists nothing.
  const std::size_t last_slash = prefix.rfind('/');
  const std::string_view dir_part =
      last_slash == std::string_view::npos ? std::string_view{} : prefix.substr(0, last_slash + 1);
  fs::path start = root_;
  if (!dir_part.empty()) {
    try {
      for (const std::string_view seg : path_segments(dir_part, true, "prefix")) {
        start /= fs::path(seg);
      }
    } catch (const StoreError&) {
      return page;
    }
  }
  const ListQuery q{prefix, start_after, max_keys + 1};
  std::vector<std::pair<std::string, fs::path>> files;  // key, path, in key order

  // Depth-first in key order; see file_store.h for why this equals S3's byte order.
  auto walk = [&](auto&& self, const fs::path& dir, const std::string& key_prefix) -> void {
    for (const DirEntry& e : read_dir_sorted(dir, key_prefix.empty())) {
      if (files.size() >= q.limit) return;
      const std::string full = key_prefix + e.sort_key;
      if (e.is_dir) {
        if (!starts_with(full, q.prefix) && !starts_with(q.prefix, full)) continue;
        if (std::string_view(full).compare(q.start_after) < 0 &&
            !starts_with(q.start_after, full)) {
          continue;
        }
        self(self, dir / e.sort_key.substr(0, e.sort_key.size() - 1), full);
      } else {
        if (!starts_with(full, q.prefix) || std::string_view(full).compare(q.start_after) <= 0) {
          continue;
        }
        files.emplace_back(full, dir / e.sort_key);
      }
    }
  };
  walk(walk, start, std::string(dir_part));

  for (auto& [key, path] : files) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) continue;  // removed since the directory was read
      fail_errno(errno, "list: open", key);
    }
    Fd guard(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0) fail_errno(errno, "list: stat", key);
    ObjectInfo info{key, static_cast<std::uint64_t>(st.st_size), {}, mtime_ns(st) / 1'000'000};
    if (auto etag = cached_etag(fd, st)) {
      info.etag = *etag;
    } else {
      Md5Hasher h;
      std::string buf(1 << 20, '\0');
      for (std::uint64_t off = 0;;) {
        const ssize_t n = pread_full(fd, buf.data(), buf.size(), off);
        if (n < 0) fail_errno(errno, "list: read", key);
        if (n == 0) break;
        h.update(std::string_view(buf.data(), static_cast<std::size_t>(n)));
        off += static_cast<std::uint64_t>(n);
      }
      info.etag = to_hex(h.finish());
      cache_etag(fd, info.etag, st);
    }
    page.objects.push_back(std::move(info));
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
  const fs::path path = path_of(key);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) {
      if (!fs::is_directory(root_)) {
        throw StoreError(StoreErrorCode::kNoSuchBucket,
                         uri() + ": the root directory does not exist");
      }
      throw StoreError(StoreErrorCode::kNotFound,
                       uri() + ": no object with key '" + std::string(key) + "'");
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
  const fs::path path = path_of(key);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) {
      if (!fs::is_directory(root_)) {
        throw StoreError(StoreErrorCode::kNoSuchBucket,
                         uri() + ": the root directory does not exist");
      }
      return std::nullopt;
    }
    fail_errno(err, "head", key);
  }
  Fd guard(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) fail_errno(errno, "head: stat", key);
  if (!S_ISREG(st.st_mode)) return std::nullopt;
  ObjectInfo info{
      std::string(key), static_cast<std::uint64_t>(st.st_size), {}, mtime_ns(st) / 1'000'000};
  if (auto etag = cached_etag(fd, st)) {
    info.etag = *etag;
  } else {
    std::string whole(info.size, '\0');
    if (pread_full(fd, whole.data(), info.size, 0) != static_cast<ssize_t>(info.size)) {
      fail_errno(errno == 0 ? EIO : errno, "head: read", key);
    }
    info.etag = to_hex(md5(whole));
    cache_etag(fd, info.etag, st);
  }
  return info;
}

ObjectInfo FileStore::put(std::string_view key, std::string_view body, const PutOptions& options) {
  const fs::path target = path_of(key);
  const fs::path tmp_dir = root_ / std::string(kTempDir);
  std::error_code ec;
  fs::create_directories(tmp_dir, ec);
  if (ec) fail_errno(ec.value(), "put: create " + tmp_dir.string() + " for", key);

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
