// Helpers shared by the unit tests.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "util/file.h"
#include "util/gzip.h"

namespace tributary::testing {

inline std::string test_data(std::string_view name) {
  return util::read_file(std::string(TRIBUTARY_TEST_DATA) + "/" + std::string(name));
}

// gzip-compresses `plain` into one gzip member, as fluentd's `store_as gzip` does.
inline std::string gzip(std::string_view plain) {
  return util::gzip_compress(plain, 6);
}

}  // namespace tributary::testing
