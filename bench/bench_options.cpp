#include "bench_options.hpp"

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

}  // namespace rspf::bench
