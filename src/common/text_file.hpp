#pragma once
// Small text files: configuration inputs (PEM, bundles, tokens) and ready files.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace rspf {

// The whole file; Error(Config) "cannot read <what> <file>" otherwise.
std::string readTextFile(const std::filesystem::path& file, std::string_view what);

// A server's ready file: "host:port\n", written beside and renamed, so a reader never sees half of it.
void writeReadyFile(const std::filesystem::path& file, const std::string& host, std::uint16_t port);

}  // namespace rspf
