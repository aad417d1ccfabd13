#pragma once
// The crypto floor of one certificate enrolment, measured in-process with OpenSSL EVP on one thread:
// 2 ECDSA P-256 signatures + 3 verifications + 1 ECDH P-256 derivation per iteration (issue 3,
// item 10). Floor enrolments per second = 1 / time per iteration.
#include <chrono>
#include <cstdint>

namespace rspf::bench {

struct CryptoFloor {
  std::uint64_t iterations = 0;
  double seconds = 0;
  double signUs = 0;    // one signature, averaged separately
  double verifyUs = 0;  // one verification
  double deriveUs = 0;  // one ECDH derivation
  double perSecond() const { return seconds > 0 ? static_cast<double>(iterations) / seconds : 0; }
};

// Runs iterations on the calling thread for about `duration` (at least 20). Throws on an OpenSSL failure.
CryptoFloor measureCryptoFloor(std::chrono::milliseconds duration);

}  // namespace rspf::bench
