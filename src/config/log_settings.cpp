#include "config/log_settings.hpp"

#include "common/error.hpp"
#include "config/config_file.hpp"

namespace rspf::config {

TableSpec logTable() { return {"log", {{"level"}}}; }

bool isLogLevel(const std::string& level) {
  for (const char* known : {"trace", "debug", "info", "warn", "error", "off"})
    if (level == known) return true;
  return false;
}

std::optional<std::string> logLevel(const ConfigFile& file) {
  auto level = file.string("log.level");
  if (level && !isLogLevel(*level))
    throw Error(ErrorCode::Config, file.file().string() + ": log.level must be trace, debug, info, warn, error or off");
  return level;
}

}  // namespace rspf::config
