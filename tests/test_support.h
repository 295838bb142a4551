// Helpers shared by the unit tests.
#pragma once

#include <cstdio>
#include <cstdlib>
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

// A FILE* whose output a test reads back (the progress writers' tests).
struct Captured {
  char* buf = nullptr;
  std::size_t size = 0;
  std::FILE* file = open_memstream(&buf, &size);
  ~Captured() {
    std::fclose(file);
    std::free(buf);
  }
  std::string text() {
    std::fflush(file);
    return std::string(buf, size);
  }
};

}  // namespace tributary::testing
