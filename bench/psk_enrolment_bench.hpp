#pragma once
// `rspf_bench psk-enrolment`: PSK enrolments per second of an in-process MEF against a raw OpenSSL
// TLS 1.2 PSK server doing handshake + one request, both loaded by the same client, in one run.
#include <string>
#include <vector>

namespace rspf::bench {

// argv after the subcommand name; returns the process exit code.
int pskEnrolmentBench(const std::vector<std::string>& args);

}  // namespace rspf::bench
