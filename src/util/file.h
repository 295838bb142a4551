// Whole-file reads for commands that take local paths.
#pragma once

#include <filesystem>
#include <string>

namespace tributary::util {

// Reads the whole file at `path`. Throws std::runtime_error naming the path and the OS error when
// the file cannot be opened or read.
std::string read_file(const std::filesystem::path& path);

}  // namespace tributary::util
