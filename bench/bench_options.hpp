#pragma once
// Command-line values shared by the benchmarks.
#include <string>

namespace rspf::bench {

// The integer value of `flag`, at least `min`; std::invalid_argument naming the flag otherwise.
int intOption(const std::string& flag, const std::string& value, int min);
// The positive number value of `flag`.
double positiveOption(const std::string& flag, const std::string& value);

}  // namespace rspf::bench
