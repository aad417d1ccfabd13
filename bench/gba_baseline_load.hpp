#pragma once
// The GBA enrolment's bare TLS cost (issue 14 item 3): N client threads, each looping until a
// deadline over the handshakes and requests one GBA enrolment makes, against raw OpenSSL servers
// with fixed answers (raw_tls_server.hpp):
//   Ub:  TLS 1.2 ECDHE-ECDSA with the BSF (its certificate verified, its name checked), two requests
//        on the connection (the Digest AKA challenge and the authenticated request, TS 33.220 4.5.2);
//   Zn:  TLS 1.2 ECDHE-ECDSA with the BSF again, mutual: the NAF's (the MEF's) client certificate,
//        one request (the Ks_NAF fetch);
//   the PSK session: TLS 1.2 PSK with the MEF, one request (the Enrolment Exchange).
// One iteration is counted as one enrolment; no Milenage, no store, no key derivation.
#include <openssl/ssl.h>

#include <cstdint>
#include <string>

#include "load_client.hpp"

namespace rspf::bench {

struct GbaBaselineTarget {
  std::string host = "127.0.0.1";
  std::uint16_t bsfPort = 0;
  std::string bsfName;             // SNI, and the name the BSF's certificate must carry
  X509* bsfTrustAnchor = nullptr;  // the BSF's certificate chains to it
  X509* nafCertificate = nullptr;  // the Zn client's
  EVP_PKEY* nafKey = nullptr;
  std::uint16_t mefPort = 0;
  std::string mefName;  // SNI of the PSK session
  PskCredential psk;    // what the PSK session authenticates with
};

// settings.kind is ignored (always raw OpenSSL). Blocks for about settings.duration; counts failures.
LoadResult runGbaBaselineLoad(const GbaBaselineTarget& target, const LoadSettings& settings);

}  // namespace rspf::bench
