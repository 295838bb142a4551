// A POSIX.1-2001 (pax) tar archive writer and reader, for the bronze archives: one file that holds
// many objects byte for byte, which `tar` extracts and lists with no tributary code.
//
// Each member is a pax extended header (typeflag 'x') carrying its exact path and the caller's
// records, followed by a ustar header (typeflag '0') and the data padded to 512 bytes; the archive
// ends with two zero blocks. The pax `path` holds any byte string, newlines and non-ASCII
// included; the ustar name beside it is a printable ASCII stand-in for old readers. The writer is
// deterministic (mode 0644, uid/gid 0, mtime 0): the same members give the same bytes.
//
// The reader accepts what the writer writes and what `tar --format=pax` and ustar writers produce
// for regular files; it rejects (std::runtime_error, saying where) a header whose checksum does
// not match, a member cut short, or a pax record that does not parse. Directories, links and
// other member types are skipped.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::lake {

class TarWriter {
 public:
  // Appends a member `path` holding `data`, with pax records `records` (keys in the vendor
  // namespace, e.g. "TRIBUTARY.etag"; values any bytes).
  void add(std::string_view path, std::string_view data,
           const std::map<std::string, std::string>& records = {});
  // The archive with its end-of-archive blocks; the writer is empty afterwards.
  std::string finish();
  std::size_t size() const { return out_.size(); }

 private:
  std::string out_;
};

struct TarMember {
  std::string path;
  std::map<std::string, std::string> records;  // pax records other than path and size
  std::uint64_t offset = 0;                    // of the data in the archive
  std::uint64_t size = 0;
};

// The regular-file members of `archive`, in order.
std::vector<TarMember> read_tar(std::string_view archive);

}  // namespace tributary::lake
