#pragma once
// `rspf_bench cse-front`: requests/s and latency of oneM2M retrieves through the CSE front (TLS-PSK
// session, kept alive, to an in-process HttpsServer whose handler is cse_front::CseFront) against
// the same requests sent straight to the CSE stand-in over a kept-alive plain HTTP connection, in
// one run. The difference of the medians is what the front adds (docs/performance.md "CSE front").
#include <string>
#include <vector>

namespace rspf::bench {

int cseFrontBench(const std::vector<std::string>& args);

}  // namespace rspf::bench
