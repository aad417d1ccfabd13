#pragma once
// The certificate-enrolment load generator: N client threads, each looping until a deadline over
//   fresh TCP connection -> TLS 1.2 ECDHE-ECDSA mutual handshake (the Enrolee's certificate and key,
//   the MEF's certificate verified against the CA and its FQDN) -> POST /enrolment/exchange ->
//   GET /.well-known/est/csrattrs -> CSR with a pre-generated P-256 key -> POST simpleenroll -> close.
// Raw OpenSSL and a minimal HTTP/1.1 keep-alive exchange, so the client stays light.
#include <string>
#include <vector>

#include "ca/openssl_objects.hpp"
#include "load_client.hpp"

namespace rspf::bench {

// One registered Enrolee with the certificate it bootstraps with.
struct CertificateIdentity {
  std::string enroleeId;
  ca::X509Ptr certificate;
  ca::EvpPkeyPtr privateKey;
};

struct CertificateLoadTarget {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string serverName;             // SNI, Host header, and the name the MEF's certificate must carry
  const X509* trustAnchor = nullptr;  // the CA the MEF's certificate chains to
  // Client thread t uses identities t, t + N, t + 2N, ... in turn (needs at least N identities): one
  // Enrolee is never enrolled on two connections at once (an exchange would change the
  // challengePassword another connection is about to echo).
  const std::vector<CertificateIdentity>* identities = nullptr;
};

// settings.kind is ignored (always raw OpenSSL). Blocks for about settings.duration; counts failures.
LoadResult runCertificateLoad(const CertificateLoadTarget& target, const LoadSettings& settings);

}  // namespace rspf::bench
