#pragma once
#include <string>
#include <vector>

namespace rspf::bench {

// `rspf_bench gba-enrolment`: GBA enrolments per second (Ub + TLS-PSK with Ks_NAF + Enrolment
// Exchange), BSF and MEF in process. Returns the exit status.
int gbaEnrolmentBench(const std::vector<std::string>& args);

}  // namespace rspf::bench
