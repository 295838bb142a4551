#include "util/zstd_frame.h"

#include <zstd.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace tributary::util {

bool is_zstd(std::string_view bytes) {
  return bytes.size() >= 4 && static_cast<unsigned char>(bytes[0]) == 0x28 &&
         static_cast<unsigned char>(bytes[1]) == 0xb5 &&
         static_cast<unsigned char>(bytes[2]) == 0x2f &&
         static_cast<unsigned char>(bytes[3]) == 0xfd;
}

std::string zstd_compress(std::string_view in, int level) {
  std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> ctx(ZSTD_createCCtx(), &ZSTD_freeCCtx);
  if (!ctx) throw std::runtime_error("zstd: out of memory");
  // The frame carries a checksum of its content, so corruption in the archive is detected.
  ZSTD_CCtx_setParameter(ctx.get(), ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(ctx.get(), ZSTD_c_checksumFlag, 1);
  // The worst-case buffer is about the input's size; left uninitialised, only the pages the
  // frame fills are ever touched (a zero-filled string would double a large object's footprint).
  const std::size_t bound = ZSTD_compressBound(in.size());
  const std::unique_ptr<char[]> out(new char[bound]);
  const std::size_t n = ZSTD_compress2(ctx.get(), out.get(), bound, in.data(), in.size());
  if (ZSTD_isError(n)) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(n));
  return std::string(out.get(), n);
}

GunzipResult unzstd(std::string_view in, std::string& out, std::size_t max_out) {
  out.clear();
  std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> ctx(ZSTD_createDCtx(), &ZSTD_freeDCtx);
  if (!ctx) return {GunzipError::kCorrupt, 0, 0};
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  std::size_t produced = 0;
  out.resize(std::min(max_out + 1, std::max<std::size_t>(in.size() * 4, 64 * 1024)));
  std::size_t last = 0;      // ZSTD_decompressStream's hint: 0 once a frame is complete
  std::size_t verified = 0;  // output of the complete frames (checksum checked when present)
  while (input.pos < input.size || last != 0) {
    if (produced == out.size()) {
      if (out.size() > max_out) {
        out.resize(max_out);
        return {GunzipError::kTooLarge, max_out, verified};
      }
      out.resize(std::min(max_out + 1, out.size() * 2));
    }
    ZSTD_outBuffer output{out.data() + produced, out.size() - produced, 0};
    const std::size_t before_in = input.pos;
    last = ZSTD_decompressStream(ctx.get(), &output, &input);
    produced += output.pos;
    if (ZSTD_isError(last)) {
      out.resize(std::min(produced, max_out));
      return {GunzipError::kCorrupt, out.size(), verified};
    }
    if (produced > max_out) {
      out.resize(max_out);
      return {GunzipError::kTooLarge, max_out, verified};
    }
    if (last == 0) verified = produced;
    if (input.pos == input.size && last != 0 && output.pos == 0 && input.pos == before_in) {
      // No input left, no progress, frame incomplete: the object was cut short.
      out.resize(produced);
      return {GunzipError::kTruncated, produced, verified};
    }
  }
  out.resize(produced);
  return {GunzipError::kNone, produced, produced};
}

}  // namespace tributary::util
