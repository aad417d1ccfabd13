#pragma once
// `rspf completion bash`: a bash completion script generated from the command tree itself, so it
// names exactly the subcommands and options `--help` shows.
#include <functional>
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace rspf::cli {

std::string bashCompletion(const CLI::App& app);
// Adds `rspf completion SHELL`; the returned function runs it when it was chosen, else returns nullopt.
std::function<std::optional<int>()> addCompletionCommand(CLI::App& app);

}  // namespace rspf::cli
