#pragma once
// rspf_bench first-contact: an Enrolee's first handshake with an Enrolment Target that must fetch
// the key from the MEF, and handshakes with the key cached, against a bare PSK handshake with the
// key already known (issue 14 item 5).
#include <string>
#include <vector>

namespace rspf::bench {

int firstContactBench(const std::vector<std::string>& args);

}  // namespace rspf::bench
