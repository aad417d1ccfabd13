#pragma once
// Plain-HTTP probes of a role's observability listener (/healthz, /metrics) by curl, an
// independent client, and reading one sample of a Prometheus text exposition.
#include <map>
#include <string>

namespace rspf::testing {

struct HttpAnswer {
  int status = 0;  // 0: no answer
  std::string body;
};

HttpAnswer httpGet(const std::string& url);

// The value of the sample `name{labels}` in a Prometheus text exposition (-1 when absent).
double metricSample(const std::string& text, const std::string& name, const std::map<std::string, std::string>& labels);

}  // namespace rspf::testing
