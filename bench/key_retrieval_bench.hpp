#pragma once
#include <string>
#include <vector>

namespace rspf::bench {

// rspf_bench key-retrieval [options]: MEF Key Retrieval over kept-alive sessions (issue 14 item 4).
int keyRetrievalBench(const std::vector<std::string>& args);

}  // namespace rspf::bench
