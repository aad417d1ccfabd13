#pragma once
#include <functional>
#include <optional>

#include "target/mef_key_fetcher.hpp"
#include "target/target_config.hpp"
// Subcommands of `rspf` defined outside cli/main.cpp.
namespace CLI {
class App;
}

namespace rspf::cli {

// `rspf admin ...`: adds its subcommands to `app`; after parsing, the returned function runs the
// chosen one (when `admin` was given) and returns the exit status.
std::function<int()> addAdminCommands(CLI::App& app);

// `rspf maf-connect`: the returned function runs it when it was chosen, else returns nullopt.
std::function<std::optional<int>()> addMafConnectCommand(CLI::App& app);

// `rspf target`: the target's own enrolment with the MEF, reused while valid for at least a minute
// (and for the same MEF), else done afresh with its KpmId/Kpm and saved.
target::OwnEnrolment targetOwnEnrolment(const target::TargetConfig& config);

}  // namespace rspf::cli

namespace rspf::demo {
// `rspf demo`: every step on loopback; returns the exit status (0 only if every step passed).
int runDemo(bool keep, bool verbose);
}  // namespace rspf::demo
