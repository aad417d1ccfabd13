// rspf_bench: load benchmarks of rspf, always measured against raw OpenSSL in the same run.
#include <iostream>
#include <string>
#include <vector>

#include "certificate_enrolment_bench.hpp"
#include "coaps_enrolment_bench.hpp"
#include "cse_front_bench.hpp"
#include "first_contact_bench.hpp"
#include "gba_enrolment_bench.hpp"
#include "idle_connections_bench.hpp"
#include "key_retrieval_bench.hpp"
#include "psk_enrolment_bench.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    std::cout << "usage: rspf_bench <benchmark> [options]\n\n"
                 "benchmarks:\n"
                 "  psk-enrolment   PSK enrolments/s of the MEF vs. a raw OpenSSL TLS-PSK server\n"
                 "                  (rspf_bench psk-enrolment --help for its options)\n"
                 "  certificate-enrolment\n"
                 "                  certificate enrolments/s (mutual TLS + exchange + csrattrs + simpleenroll)\n"
                 "                  vs. a raw OpenSSL server doing the same handshake and a CA's work\n"
                 "  coaps-enrolment CoAPS PSK enrolments/s (DTLS-PSK handshake + exchange) of the MEF's CoAPS\n"
                 "                  listener vs. a raw libcoap DTLS-PSK server answering a fixed body\n"
                 "  gba-enrolment   GBA enrolments/s (Ub with the BSF + TLS-PSK with Ks_NAF + exchange) vs.\n"
                 "                  the same TLS handshakes and requests against raw OpenSSL servers\n"
                 "  key-retrieval   MEF Key Retrieval fetches/s over kept-alive TLS-PSK sessions vs. a raw\n"
                 "                  OpenSSL server answering the same body on the same kind of session\n"
                 "  first-contact   an Enrolee's first handshake with a target that fetches the key from the\n"
                 "                  MEF, and with the key cached, vs. a bare TLS-PSK handshake\n"
                 "  idle-connections\n"
                 "                  the MEF's memory with N idle TLS connections open, and its PSK\n"
                 "                  enrolment rate with and without them\n"
                 "  cse-front       oneM2M requests/s and the latency the CSE front adds (kept-alive TLS-PSK\n"
                 "                  session through the front vs. plain HTTP straight to the CSE stand-in)\n";
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "psk-enrolment") return rspf::bench::pskEnrolmentBench({args.begin() + 1, args.end()});
  if (args[0] == "certificate-enrolment") return rspf::bench::certificateEnrolmentBench({args.begin() + 1, args.end()});
  if (args[0] == "coaps-enrolment") return rspf::bench::coapsEnrolmentBench({args.begin() + 1, args.end()});
  if (args[0] == "cse-front") return rspf::bench::cseFrontBench({args.begin() + 1, args.end()});
  if (args[0] == "key-retrieval") return rspf::bench::keyRetrievalBench({args.begin() + 1, args.end()});
  if (args[0] == "first-contact") return rspf::bench::firstContactBench({args.begin() + 1, args.end()});
  if (args[0] == "idle-connections") return rspf::bench::idleConnectionsBench({args.begin() + 1, args.end()});
  if (args[0] == "gba-enrolment") return rspf::bench::gbaEnrolmentBench({args.begin() + 1, args.end()});
  std::cerr << "rspf_bench: unknown benchmark '" << args[0] << "' (try --help)\n";
  return 2;
}
