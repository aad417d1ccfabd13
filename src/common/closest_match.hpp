#pragma once
// "Did you mean ...?": the closest of a set of names to a mistyped one.
#include <string>
#include <string_view>
#include <vector>

namespace rspf {

// The candidate nearest to `word` by edit distance (case-insensitive), or empty when none is close
// enough to be a likely typo (distance at most 2, or a third of the longer name).
std::string closestMatch(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace rspf
