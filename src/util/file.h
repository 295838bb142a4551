// Whole-file reads and writes for commands that take local paths.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace tributary::util {

// Reads the whole file at `path`. Throws std::runtime_error naming the path and the OS error when
// the file cannot be opened or read.
std::string read_file(const std::filesystem::path& path);

// Writes `contents` to `path` through a temporary file beside it and a rename, so readers see the
// old file or the whole new one. Throws std::runtime_error naming the path on failure.
void write_file_atomically(const std::filesystem::path& path, std::string_view contents);

}  // namespace tributary::util
