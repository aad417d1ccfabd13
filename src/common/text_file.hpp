#pragma once
// Reading a small text file given on the command line or in a configuration (PEM files, CSV, ...).
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace rspf {

// Throws Error(Config) naming the file and `what` when it cannot be read or exceeds `maxBytes`.
std::string readTextFile(const std::filesystem::path& file, std::string_view what, std::size_t maxBytes = 1024 * 1024);

}  // namespace rspf
