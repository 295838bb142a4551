#include "util/gzip.h"

#include <zlib.h>

#include <algorithm>
#include <stdexcept>

namespace tributary::util {

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

std::string_view gunzip_error_name(GunzipError error) {
  switch (error) {
    case GunzipError::kNone:
      return "none";
    case GunzipError::kCorrupt:
      return "corrupt_gzip";
    case GunzipError::kTruncated:
      return "truncated_gzip";
    case GunzipError::kTooLarge:
      return "decompressed_too_large";
  }
  return "unknown";
}

namespace {

// Owns a zlib inflate stream so every exit path releases it.
class Inflater {
 public:
  Inflater() {
    // 16 + MAX_WBITS: expect a gzip wrapper (header and CRC-32 trailer).
    ok_ = inflateInit2(&stream_, 16 + MAX_WBITS) == Z_OK;
  }
  ~Inflater() {
    if (ok_) inflateEnd(&stream_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  bool ok() const { return ok_; }
  z_stream& stream() { return stream_; }

 private:
  z_stream stream_{};
  bool ok_ = false;
};

}  // namespace

std::string gzip_compress(std::string_view plain, int level) {
  z_stream zs{};
  // 16 + MAX_WBITS: a gzip wrapper (header and CRC-32 trailer), as fluentd writes.
  if (deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("gzip: cannot initialise zlib");
  }
  std::string out(deflateBound(&zs, static_cast<uLong>(plain.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  zs.avail_in = static_cast<uInt>(plain.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("gzip: compression failed");
  return out;
}

GunzipResult gunzip(std::string_view in, std::string& out, std::size_t max_out) {
  out.clear();
  Inflater inflater;
  if (!inflater.ok()) return {GunzipError::kCorrupt, 0, 0};
  z_stream& zs = inflater.stream();
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(std::min<std::size_t>(in.size(), UINT32_MAX));

  // Grow geometrically from a guess of 4x the compressed size, never past max_out + 1 (the extra
  // byte is how a too-large stream is told apart from one that is exactly max_out long).
  std::size_t capacity = std::min(max_out + 1, std::max<std::size_t>(in.size() * 4, 64 * 1024));
  out.resize(capacity);
  std::size_t produced = 0;
  std::size_t verified = 0;  // output of the members zlib finished (CRC-32 and length checked)
  for (;;) {
    if (produced == out.size()) {
      if (out.size() > max_out) {
        out.resize(max_out);
        return {GunzipError::kTooLarge, max_out, verified};
      }
      out.resize(std::min(max_out + 1, out.size() * 2));
    }
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    const std::size_t room = std::min<std::size_t>(out.size() - produced, UINT32_MAX);
    zs.avail_out = static_cast<uInt>(room);
    const int rc = inflate(&zs, Z_NO_FLUSH);
    produced += room - zs.avail_out;
    if (produced > max_out) {
      out.resize(max_out);
      return {GunzipError::kTooLarge, max_out, verified};
    }
    if (rc == Z_STREAM_END) {
      verified = produced;
      // Another gzip member may follow; trailing zero padding is tolerated like gzip(1) does.
      const std::size_t offset =
          static_cast<std::size_t>(reinterpret_cast<const char*>(zs.next_in) - in.data());
      std::string_view rest = in.substr(offset);
      if (rest.find_first_not_of('\0') == std::string_view::npos) break;
      if (!is_gzip(rest)) {
        out.resize(produced);
        return {GunzipError::kCorrupt, produced, verified};
      }
      if (inflateReset(&zs) != Z_OK) {
        out.resize(produced);
        return {GunzipError::kCorrupt, produced, verified};
      }
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(rest.data()));
      zs.avail_in = static_cast<uInt>(std::min<std::size_t>(rest.size(), UINT32_MAX));
      continue;
    }
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
      out.resize(produced);
      return {GunzipError::kTruncated, produced, verified};
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      out.resize(produced);
      return {GunzipError::kCorrupt, produced, verified};
    }
    if (zs.avail_in == 0 && zs.avail_out != 0) {
      // All input consumed, output room left, yet no end of stream: the file was cut short.
      out.resize(produced);
      return {GunzipError::kTruncated, produced, verified};
    }
  }
  out.resize(produced);
  return {GunzipError::kNone, produced, produced};
}

}  // namespace tributary::util
