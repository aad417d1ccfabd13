#pragma once
// [log] in every role's configuration: the level, which SIGHUP re-reads (the --log-level option
// sets it at start when the file does not).
#include <optional>
#include <string>

#include "config/config_schema.hpp"

namespace rspf::config {

class ConfigFile;

TableSpec logTable();
// "trace", "debug", "info", "warn", "error" or "off"; nullopt when the file names none.
std::optional<std::string> logLevel(const ConfigFile& file);  // throws Error(Config) naming the bad value
bool isLogLevel(const std::string& level);

}  // namespace rspf::config
