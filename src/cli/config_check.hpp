#pragma once
// `rspf <role> --check --config FILE`: everything that can be known about a configuration without
// starting a server. Unknown tables and keys, the role's own rules (the loader), then per key kind:
// files readable with the right modes, certificates that parse and are valid now, CRLs not past
// their nextUpdate, ports and durations that parse, a store that opens with a known schema version.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "config/config_schema.hpp"

namespace rspf::cli {

using ConfigLoader = std::function<void(const std::filesystem::path&)>;  // throws Error(Config)

// One line per problem, "file: key: what is wrong"; empty when the configuration is usable.
std::vector<std::string> checkConfiguration(const std::filesystem::path& file, const config::Schema& schema,
                                            const ConfigLoader& load);

}  // namespace rspf::cli
