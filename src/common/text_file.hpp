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
std::string readTextFile(const std::filesystem::path& file, std::string_view what, std::size_t maxBytes = 1024 * 1024);

// Replaces `file` with `content` in a file created with `mode` from the start (set explicitly: the
// umask neither widens nor narrows it), written, synced and renamed into place. Throws Error(Config).
void writeTextFile(const std::filesystem::path& file, std::string_view content, unsigned mode);
// writeTextFile with mode 0600: never readable by others, not even for an instant.
void writePrivateTextFile(const std::filesystem::path& file, std::string_view content);
// Mode of the files rspf writes for others to read: certificates, CRLs, trust anchors, ready files.
inline constexpr unsigned kPublicFileMode = 0644;

// A server's ready file: "host:port\n" (mode 0644), written beside and renamed, so a reader never sees
// half of it.
void writeReadyFile(const std::filesystem::path& file, const std::string& host, std::uint16_t port);

}  // namespace rspf
