#pragma once
// Small text files: configuration inputs (PEM, bundles, tokens, CSV) and ready files.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace rspf {

// The whole file; Error(Config) "cannot read <what> <file>: <reason>" when it cannot be read or is
// larger than `maxBytes`.
std::string readTextFile(const std::filesystem::path& file, std::string_view what,
                         std::size_t maxBytes = 1024 * 1024);

// Replaces `file` with `content` in a file created with mode 0600 from the start (never readable by
// others, not even for an instant), written, synced and renamed into place. Throws Error(Config).
void writePrivateTextFile(const std::filesystem::path& file, std::string_view content);

// A server's ready file: "host:port\n", written beside and renamed, so a reader never sees half of it.
void writeReadyFile(const std::filesystem::path& file, const std::string& host, std::uint16_t port);

}  // namespace rspf
