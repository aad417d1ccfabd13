#pragma once
// rspf_bench idle-connections: the MEF's resident memory while it holds N idle TLS connections, and
// its PSK enrolment rate with and without them (issue 14 item 6).
#include <string>
#include <vector>

namespace rspf::bench {

int idleConnectionsBench(const std::vector<std::string>& args);

}  // namespace rspf::bench
