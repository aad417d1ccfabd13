#pragma once
// `rspf_bench coaps-enrolment`: CoAPS PSK enrolments per second (a DTLS 1.2 PSK handshake and one CoAP
// POST /enrolment/exchange per session) of an in-process MEF's CoAPS listener, against a raw libcoap
// DTLS-PSK server answering the same request with a fixed body (raw_coaps_server.hpp), loaded by the
// same client (rspf's transport::CoapsClient) in one run.
#include <string>
#include <vector>

namespace rspf::bench {

// argv after the subcommand name; returns the process exit code.
int coapsEnrolmentBench(const std::vector<std::string>& args);

}  // namespace rspf::bench
