// Gzip detection and bounded decompression.
//
// fluentd's S3 output stores objects either plain or gzip-compressed, and the key's extension is
// not trustworthy (operators rename objects), so callers detect gzip by its magic bytes.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tributary::util {

// True when `bytes` starts with the gzip magic number (1f 8b).
bool is_gzip(std::string_view bytes);

// Why a gzip stream could not be fully decompressed.
enum class GunzipError {
  kNone,
  kCorrupt,    // not a valid deflate/gzip stream, or a bad CRC
  kTruncated,  // the stream ended before its last member was complete
  kTooLarge,   // the output would exceed the caller's limit (e.g. a gzip bomb)
};

struct GunzipResult {
  GunzipError error = GunzipError::kNone;
  // Bytes of `out` that were produced before the error; equals out.size() on success.
  std::size_t produced = 0;
  // Bytes of `out` from members (zstd: frames) whose end and checksum were verified; equals
  // `produced` on success. After kCorrupt only these bytes are known to be intact: a damaged
  // member can inflate to plausible but wrong text before its error is detected.
  std::size_t verified = 0;
};

// Decompresses every gzip member of `in` (fluentd and `cat a.gz b.gz` both produce multi-member
// files) into `out`, replacing its contents. Never writes more than `max_out` bytes: a larger
// output stops with kTooLarge. On error, `out` holds the bytes decompressed so far, so callers can
// keep the complete lines that precede a corruption.
GunzipResult gunzip(std::string_view in, std::string& out, std::size_t max_out);

std::string_view gunzip_error_name(GunzipError error);

// One gzip member holding `plain`, at zlib `level` (1 fastest .. 9 smallest). Deterministic for
// the same input and level. Throws std::runtime_error if zlib fails.
std::string gzip_compress(std::string_view plain, int level);

}  // namespace tributary::util
