// PageCompressor: compresses page bodies with the codecs the writer offers. Snappy is the raw
// block format (not framed) and ZSTD a single frame, as the Parquet specification requires.
// One compressor per column writer; it reuses its ZSTD context across pages.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "lake/parquet/format.h"

namespace tributary::lake::parquet {

class PageCompressor {
 public:
  PageCompressor(CompressionCodec codec, int zstd_level);
  ~PageCompressor();
  PageCompressor(const PageCompressor&) = delete;
  PageCompressor& operator=(const PageCompressor&) = delete;

  // Replaces `out` with `input` compressed. Throws std::runtime_error on codec failure.
  void compress(std::string_view input, std::string& out);

 private:
  struct ZstdContext;

  CompressionCodec codec_;
  int zstd_level_;
  std::unique_ptr<ZstdContext> zstd_;
};

}  // namespace tributary::lake::parquet
