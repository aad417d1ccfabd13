#pragma once
// Reading the TOML configuration files of the rspf roles.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config_schema.hpp"

namespace rspf::config {

struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};
// "host:port" or "[v6]:port"; throws Error(Config) naming `what`.
HostPort parseHostPort(std::string_view text, std::string_view what);

// A parsed TOML file and the folder relative paths in it are resolved against. Only the tables and
// keys of `schema` may appear: anything else is refused with its line and a "did you mean".
class ConfigFile {
 public:
  // Throws Error(Config): a syntax error with line/column, or one line per unknown table or key.
  ConfigFile(const std::filesystem::path& path, const Schema& schema);
  ~ConfigFile();

  // The file's tables and keys the schema does not declare, one "file:line:column: ..." line each.
  static std::vector<std::string> unknownKeys(const std::filesystem::path& path, const Schema& schema);

  std::optional<std::string> string(std::string_view dottedKey) const;
  std::string requireString(std::string_view dottedKey) const;
  std::optional<std::int64_t> integer(std::string_view dottedKey) const;
  std::optional<bool> boolean(std::string_view dottedKey) const;
  // An array of strings (["a", "b"]); Error(Config) for any other value.
  std::optional<std::vector<std::string>> strings(std::string_view dottedKey) const;
  std::optional<std::filesystem::path> path(std::string_view dottedKey) const;  // resolved
  const std::filesystem::path& file() const { return file_; }
  const Schema& schema() const { return schema_; }

 private:
  struct Table;
  ConfigFile(const std::filesystem::path& path, const Schema& schema, std::unique_ptr<Table> table);
  void requireDeclared(std::string_view dottedKey) const;  // a loader may only read what it declares

  std::filesystem::path file_;
  Schema schema_;
  std::unique_ptr<Table> table_;
};

}  // namespace rspf::config
