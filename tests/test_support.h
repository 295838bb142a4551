// Helpers shared by the unit tests.
#pragma once

#include <zlib.h>

#include <stdexcept>
#include <string>
#include <string_view>

#include "util/file.h"

namespace tributary::testing {

inline std::string test_data(std::string_view name) {
  return util::read_file(std::string(TRIBUTARY_TEST_DATA) + "/" + std::string(name));
}

// gzip-compresses `plain` into one gzip member, as fluentd's `store_as gzip` does.
inline std::string gzip(std::string_view plain) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    throw std::runtime_error("deflateInit2");
  }
  std::string out(deflateBound(&zs, plain.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  zs.avail_in = static_cast<uInt>(plain.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("deflate");
  return out;
}

}  // namespace tributary::testing
