#include "util/file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace tributary::util {

std::string read_file(const std::filesystem::path& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) {
    throw std::runtime_error("cannot open " + path.string() + ": " + std::strerror(errno));
  }
  std::string data;
  char buf[1 << 16];
  for (;;) {
    const std::size_t n = std::fread(buf, 1, sizeof buf, f.get());
    data.append(buf, n);
    if (n < sizeof buf) break;
  }
  if (std::ferror(f.get())) {
    throw std::runtime_error("cannot read " + path.string() + ": " + std::strerror(errno));
  }
  return data;
}

void write_file_atomically(const std::filesystem::path& path, std::string_view contents) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(tmp.c_str(), "wb"), &std::fclose);
    if (!f) {
      throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
    }
    if (std::fwrite(contents.data(), 1, contents.size(), f.get()) != contents.size() ||
        std::fflush(f.get()) != 0) {
      const std::string why = std::strerror(errno);
      f.reset();
      std::remove(tmp.c_str());
      throw std::runtime_error("cannot write " + path.string() + ": " + why);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    throw std::runtime_error("cannot write " + path.string() + ": " + why);
  }
}

}  // namespace tributary::util
