#pragma once
// `rspf_bench certificate-enrolment`: certificate enrolments per second of an in-process MEF (mutual-TLS
// handshake + Enrolment Exchange + csrattrs + simpleenroll per connection) beside the crypto floor of
// one enrolment measured in the same run (2 ECDSA P-256 signatures + 3 verifications + 1 ECDH).
#include <string>
#include <vector>

namespace rspf::bench {

// argv after the subcommand name; returns the process exit code.
int certificateEnrolmentBench(const std::vector<std::string>& args);

}  // namespace rspf::bench
