#pragma once
// [observability] of the long-running roles (`rspf mef`, `rspf target`): an operator-facing plain
// HTTP listener serving /metrics and /healthz, off unless `listen` is set.
//   [observability] listen = "127.0.0.1:9464", ready_file = path (written "host:port" once serving)
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "config/config_schema.hpp"

namespace rspf::config {
class ConfigFile;
}

namespace rspf::observability {

struct ObservabilitySettings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 9464;  // 0: any free port
  std::optional<std::filesystem::path> readyFile;
};

// nullopt when [observability] listen is absent. Throws Error(Config).
std::optional<ObservabilitySettings> loadObservabilitySettings(const config::ConfigFile& file);
config::TableSpec observabilityTable();  // [observability] in a role's schema

}  // namespace rspf::observability
