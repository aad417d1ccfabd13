#pragma once
// Reading the TOML configuration files of the rspf roles.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rspf::config {

struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};
// "host:port" or "[v6]:port"; throws Error(Config) naming `what`.
HostPort parseHostPort(std::string_view text, std::string_view what);

// A parsed TOML file and the folder relative paths in it are resolved against.
class ConfigFile {
 public:
  explicit ConfigFile(const std::filesystem::path& path);  // throws Error(Config) with line/column
  ~ConfigFile();

  std::optional<std::string> string(std::string_view dottedKey) const;
  std::string requireString(std::string_view dottedKey) const;
  std::optional<std::int64_t> integer(std::string_view dottedKey) const;
  std::optional<bool> boolean(std::string_view dottedKey) const;
  // An array of strings (["a", "b"]); Error(Config) for any other value.
  std::optional<std::vector<std::string>> strings(std::string_view dottedKey) const;
  std::optional<std::filesystem::path> path(std::string_view dottedKey) const;  // resolved
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  struct Table;
  std::unique_ptr<Table> table_;
};

}  // namespace rspf::config
