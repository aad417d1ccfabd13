#include "bench_options.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace rspf::bench {

int intOption(const std::string& flag, const std::string& v, int min) {
  try {
    std::size_t used = 0;
    int n = std::stoi(v, &used);
    if (used == v.size() && n >= min) return n;
  } catch (const std::exception&) {
  }
  throw std::invalid_argument(flag + " takes an integer >= " + std::to_string(min) + ", got '" + v + "'");
}

double positiveOption(const std::string& flag, const std::string& v) {
  try {
    std::size_t used = 0;
    double d = std::stod(v, &used);
    if (used == v.size() && d > 0) return d;
  } catch (const std::exception&) {
  }
  throw std::invalid_argument(flag + " takes a positive number, got '" + v + "'");
}

bool walkOptions(const std::vector<std::string>& args, std::initializer_list<std::string_view> switches,
                 std::initializer_list<std::string_view> valued,
                 const std::function<void(const std::string&)>& onSwitch,
                 const std::function<void(const std::string&, const std::string&)>& onValue) {
  auto among = [](std::initializer_list<std::string_view> list, const std::string& a) {
    return std::find(list.begin(), list.end(), a) != list.end();
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") return false;
    if (among(switches, a)) {
      onSwitch(a);
      continue;
    }
    if (!among(valued, a)) throw std::invalid_argument("unknown option '" + a + "' (see --help)");
    if (i + 1 >= args.size()) throw std::invalid_argument("option '" + a + "' needs a value (see --help)");
    onValue(a, args[++i]);
  }
  return true;
}

int benchExitStatus(std::string_view benchmark, bool failed, std::string_view failure, double ratio,
                    std::optional<double> minRatio) {
  const std::string name(benchmark);
  if (failed) {
    std::fprintf(stderr, "rspf_bench %s: %.*s\n", name.c_str(), static_cast<int>(failure.size()), failure.data());
    return 1;
  }
  if (minRatio && ratio < *minRatio) {
    std::fprintf(stderr, "rspf_bench %s: ratio %.3f below --min-ratio %.3f\n", name.c_str(), ratio, *minRatio);
    return 3;
  }
  return 0;
}

std::optional<LoadOptions> parseLoadOptions(const std::vector<std::string>& args, LoadOptions o) {
  auto onValue = [&o](const std::string& a, const std::string& v) {
    if (a == "--clients") o.clients = intOption(a, v, 1);
    if (a == "--seconds") o.seconds = positiveOption(a, v);
    if (a == "--enrolees") o.enrolees = intOption(a, v, 1);
    if (a == "--min-ratio") o.minRatio = positiveOption(a, v);
  };
  if (!walkOptions(
          args, {"--keep"}, {"--clients", "--seconds", "--enrolees", "--min-ratio"},
          [&o](const std::string&) { o.keep = true; }, onValue))
    return std::nullopt;
  return o;
}

}  // namespace rspf::bench
