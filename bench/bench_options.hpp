#pragma once
// Command-line values shared by the benchmarks.
#include <functional>
#include <initializer_list>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rspf::bench {

// The integer value of `flag`, at least `min`; std::invalid_argument naming the flag otherwise.
int intOption(const std::string& flag, const std::string& value, int min);
// The positive number value of `flag`.
double positiveOption(const std::string& flag, const std::string& value);

// The benchmarks' option walk: false for -h/--help; `onSwitch(flag)` for each flag in `switches`,
// `onValue(flag, value)` for each flag in `valued` with the argument after it; std::invalid_argument
// for any other argument, or for a flag without its value.
bool walkOptions(const std::vector<std::string>& args, std::initializer_list<std::string_view> switches,
                 std::initializer_list<std::string_view> valued,
                 const std::function<void(const std::string&)>& onSwitch,
                 const std::function<void(const std::string&, const std::string&)>& onValue);

// The options the enrolment benchmarks share: --clients N, --seconds S, --enrolees M, --min-ratio X,
// --keep. `defaults` gives the starting values.
struct LoadOptions {
  int clients = 4;
  double seconds = 5;
  int enrolees = 64;
  bool keep = false;
  std::optional<double> minRatio;
};
// nullopt for -h/--help; std::invalid_argument for a bad or unknown argument.
std::optional<LoadOptions> parseLoadOptions(const std::vector<std::string>& args, LoadOptions defaults);

// The benchmarks' exit status (bench/README.md): 1 when `failed` (after printing `failure`), 3 when
// `ratio` is below `minRatio` (after saying so), else 0.
int benchExitStatus(std::string_view benchmark, bool failed, std::string_view failure, double ratio,
                    std::optional<double> minRatio);

// The common start of a benchmark: `parse(args)` gives its options, or nullopt for --help. Returns
// them, or sets `exitStatus` (0 after printing `usage` for --help, 2 after printing the error).
template <typename Parse>
auto parseBenchOptions(std::string_view benchmark, const char* usage, Parse&& parse,
                       const std::vector<std::string>& args, int& exitStatus) -> decltype(parse(args)) {
  try {
    auto parsed = parse(args);
    if (!parsed) {
      std::cout << usage;
      exitStatus = 0;
    }
    return parsed;
  } catch (const std::exception& e) {
    std::cerr << "rspf_bench " << benchmark << ": " << e.what() << "\n";
    exitStatus = 2;
    return std::nullopt;
  }
}

}  // namespace rspf::bench
