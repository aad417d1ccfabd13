#pragma once
#include <functional>
#include <optional>
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

}  // namespace rspf::cli

namespace rspf::demo {
// `rspf demo`: every step on loopback; returns the exit status (0 only if every step passed).
int runDemo(bool keep, bool verbose);
}  // namespace rspf::demo
