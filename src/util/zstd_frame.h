// zstd compression for the bronze archive, and bounded decompression for reading it back.
//
// Bronze keeps every raw object's exact bytes; plain-JSON objects are stored as zstd frames
// (several times faster than gzip at a similar ratio on event logs). The decoder detects zstd by
// its magic bytes, like gzip, so bronze objects decode exactly as the raw objects did.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "util/gzip.h"

namespace tributary::util {

// True when `bytes` starts with the zstd frame magic number (28 b5 2f fd).
bool is_zstd(std::string_view bytes);

// One zstd frame of `in` at `level` (1..19), with a content checksum. Deterministic for the same
// input and level.
std::string zstd_compress(std::string_view in, int level = 3);

// Decompresses every frame of `in` into `out` (replacing it), never more than `max_out` bytes.
// Errors as for gunzip(); on error `out` holds what was decompressed so far.
GunzipResult unzstd(std::string_view in, std::string& out, std::size_t max_out);

}  // namespace tributary::util
