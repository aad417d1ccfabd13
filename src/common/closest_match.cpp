#include "common/closest_match.hpp"

#include <algorithm>
#include <cctype>

namespace rspf {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.
std::size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

}  // namespace

std::string closestMatch(std::string_view word, const std::vector<std::string>& candidates) {
  if (word.size() > 256) return {};
  std::string best;
  std::size_t bestDistance = 0;
  for (const auto& candidate : candidates) {
    if (candidate.size() > 256) continue;
    const std::size_t distance = editDistance(word, candidate);
    const std::size_t allowed = std::max<std::size_t>(2, std::max(word.size(), candidate.size()) / 3);
    // "crl_file" for "crl": one name starting with the other counts as near too.
    const auto& shorter = word.size() < candidate.size() ? word : std::string_view(candidate);
    const auto& longer = word.size() < candidate.size() ? std::string_view(candidate) : word;
    const bool prefix = shorter.size() >= 3 && longer.substr(0, shorter.size()) == shorter;
    if ((distance > allowed && !prefix) || distance >= std::max(word.size(), candidate.size())) continue;
    if (best.empty() || distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

}  // namespace rspf
