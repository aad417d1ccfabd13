#pragma once
// A server-side PSK lookup: psk_identity -> (psk, who the peer is). Each bootstrap framework
// (bootstrap/psk, bootstrap/reauth, the Enrolment Target's key fetch) provides one.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/secret_bytes.hpp"
#include "tls/grants.hpp"
#include "tls/peer_attributes.hpp"

namespace rspf::tls {

struct ResolvedPsk {
  crypto::SecretBytes psk;
  std::string framework;                          // the Remote Security Provisioning Framework or role that vouched
  std::string principal;                          // the identity the peer is authenticated as (e.g. its Enrolee-ID)
  std::map<std::string, std::string> attributes;  // framework-specific, never secrets
  Grants grants;                                  // what the framework lets this peer do at the MEF
};

// What the handshake has negotiated when the PSK is asked for (TLS 1.2: after ServerHello).
struct HandshakeContext {
  std::uint16_t cipherSuite = 0;  // IANA value of the negotiated suite, e.g. 0x00AE; 0 when unknown
};

class PskIdentityResolver {
 public:
  virtual ~PskIdentityResolver() = default;
  // nullopt: unknown identity; the handshake fails with unknown_psk_identity.
  // Called on a network thread during the handshake.
  virtual std::optional<ResolvedPsk> resolve(std::string_view pskIdentity) = 0;
  // What the TLS server calls. Frameworks whose key depends on the handshake (GBA: NAF_Id holds the
  // cipher suite, TS 33.220 annex H) override this; the others answer as resolve() does.
  virtual std::optional<ResolvedPsk> resolveInHandshake(std::string_view pskIdentity, const HandshakeContext&) {
    return resolve(pskIdentity);
  }
  // Before the handshake asks for the key (issue 10 item 10): the server read `pskIdentity` in the
  // client's handshake bytes (tls/psk_identity_scanner.hpp) and holds those bytes back. A resolver
  // whose key may need a slow lookup (a fetch from the MEF) starts it off the network thread and
  // returns true, then calls `ready` exactly once, on any thread, when resolve() can answer without
  // waiting. False: nothing to prepare, the handshake goes on at once. Never throws.
  virtual bool prepare(std::string_view /*pskIdentity*/, std::function<void()> /*ready*/) { return false; }
};

}  // namespace rspf::tls
