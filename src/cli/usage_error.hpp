#pragma once
// What `rspf` says when its command line is wrong (issue 13 item 6): the problem, a "did you mean"
// for a mistyped subcommand or option, where to read more; exit status 2 (0 for --help and --version).
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "common/closest_match.hpp"

namespace rspf::cli {

inline constexpr int kExitUsage = 2;

// The deepest subcommand the parser reached, and the command line that names it ("rspf admin enrolee").
inline CLI::App* deepestParsed(CLI::App& app, std::string& path) {
  CLI::App* at = &app;
  path = app.get_name();
  for (;;) {
    auto parsed = at->get_subcommands();
    if (parsed.empty()) return at;
    at = parsed.front();
    path += " " + at->get_name();
  }
}

inline std::string suggestionFor(CLI::App& at, const std::string& word) {
  std::vector<std::string> names;
  if (!word.empty() && word[0] == '-') {
    for (const auto* option : at.get_options())
      for (const auto& name : option->get_lnames()) names.push_back("--" + name);
    if (auto* parent = at.get_parent())
      for (const auto* option : parent->get_options())
        for (const auto& name : option->get_lnames()) names.push_back("--" + name);
    auto near = closestMatch(word.substr(0, word.find('=')), names);
    return near.empty() ? "" : " (did you mean `" + near + "`?)";
  }
  for (const auto* sub : at.get_subcommands([](CLI::App*) { return true; })) names.push_back(sub->get_name());
  auto near = closestMatch(word, names);
  return near.empty() ? "" : " (did you mean `" + near + "`?)";
}

inline int usageError(CLI::App& app, const CLI::ParseError& e) {
  if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);  // --help, --version
  std::string path;
  CLI::App* at = deepestParsed(app, path);
  // The first word nobody took: unknown words fall through to the parents (app.fallthrough()).
  std::string unexpected;
  for (CLI::App* a = at; a != nullptr && unexpected.empty(); a = a->get_parent())
    for (const auto& word : a->remaining())
      if (!word.empty()) {
        unexpected = word;
        break;
      }
  if (!unexpected.empty() && unexpected[0] != '-' && !at->get_subcommands([](CLI::App*) { return true; }).empty())
    std::cerr << "rspf: unknown command '" << unexpected << "' for `" << path << "`" << suggestionFor(*at, unexpected)
              << "\n";
  else if (!unexpected.empty())
    std::cerr << "rspf: " << e.what() << suggestionFor(*at, unexpected) << "\n";
  else
    std::cerr << "rspf: " << e.what() << "\n";
  std::cerr << "Run `" << path << " --help` for usage.\n";
  return kExitUsage;
}

}  // namespace rspf::cli
