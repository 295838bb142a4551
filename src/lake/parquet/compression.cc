#include "lake/parquet/compression.h"

#include <snappy-c.h>
#include <zstd.h>

#include <stdexcept>

namespace tributary::lake::parquet {

struct PageCompressor::ZstdContext {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ~ZstdContext() { ZSTD_freeCCtx(cctx); }
};

PageCompressor::PageCompressor(CompressionCodec codec, int zstd_level)
    : codec_(codec), zstd_level_(zstd_level) {
  if (codec == CompressionCodec::kZstd) {
    zstd_ = std::make_unique<ZstdContext>();
    if (zstd_->cctx == nullptr) throw std::runtime_error("zstd: cannot create a context");
  }
}

PageCompressor::~PageCompressor() = default;

void PageCompressor::compress(std::string_view input, std::string& out) {
  switch (codec_) {
    case CompressionCodec::kUncompressed:
      out.assign(input);
      return;
    case CompressionCodec::kSnappy: {
      std::size_t length = snappy_max_compressed_length(input.size());
      out.resize(length);
      if (snappy_compress(input.data(), input.size(), out.data(), &length) != SNAPPY_OK) {
        throw std::runtime_error("snappy compression failed");
      }
      out.resize(length);
      return;
    }
    case CompressionCodec::kZstd: {
      out.resize(ZSTD_compressBound(input.size()));
      const std::size_t n = ZSTD_compressCCtx(zstd_->cctx, out.data(), out.size(), input.data(),
                                              input.size(), zstd_level_);
      if (ZSTD_isError(n) != 0) {
        throw std::runtime_error(std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
      }
      out.resize(n);
      return;
    }
  }
  throw std::invalid_argument("unknown compression codec");
}

}  // namespace tributary::lake::parquet
