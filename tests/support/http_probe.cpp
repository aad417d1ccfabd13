#include "support/http_probe.hpp"

#include <algorithm>
#include <sstream>

#include "common/child_process.hpp"

namespace rspf::testing {

HttpAnswer httpGet(const std::string& url) {
  auto r = runProcess({"curl", "-s", "--max-time", "10", "-o", "-", "-w", "\n%{http_code}", url});
  HttpAnswer a;
  auto cut = r.out.rfind('\n');
  if (r.exitCode != 0 || cut == std::string::npos) return a;
  a.status = std::stoi(r.out.substr(cut + 1));
  a.body = r.out.substr(0, cut);
  return a;
}

double metricSample(const std::string& text, const std::string& name,
                    const std::map<std::string, std::string>& labels) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto space = line.rfind(' ');
    std::string series = line.substr(0, space);
    auto brace = series.find('{');
    if (series.substr(0, brace) != name) continue;
    bool all = std::all_of(labels.begin(), labels.end(), [&](const auto& l) {
      return series.find(l.first + "=\"" + l.second + "\"") != std::string::npos;
    });
    if (all) return std::stod(line.substr(space + 1));
  }
  return -1;
}

}  // namespace rspf::testing
