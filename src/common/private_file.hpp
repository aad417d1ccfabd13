#pragma once
// Files only the owner may read: credential files, the simulated USIM, GBA bootstrapping state.
#include <filesystem>
#include <string>
#include <string_view>

namespace rspf {

// Writes `content` to `path` with mode 0600 and fsyncs it; `exclusive` refuses an existing file.
void writePrivateFile(const std::filesystem::path& path, std::string_view content, bool exclusive);
// Replaces `path` atomically (a private temporary file renamed over it).
void replacePrivateFile(const std::filesystem::path& path, std::string_view content);
std::string readFile(const std::filesystem::path& path);  // Error(Config) when unreadable
// Error(Config) unless `path` is a regular file neither group nor others may access.
void requirePrivateFile(const std::filesystem::path& path, std::string_view what);

}  // namespace rspf
