#pragma once
// A server-side PSK lookup: psk_identity -> (psk, who the peer is). Each bootstrap framework
// (bootstrap/psk, bootstrap/reauth, the Enrolment Target's key fetch) provides one.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/secret_bytes.hpp"

namespace rspf::tls {

struct ResolvedPsk {
  crypto::SecretBytes psk;
  std::string framework;                          // the Remote Security Provisioning Framework or role that vouched
  std::string principal;                          // the identity the peer is authenticated as (e.g. its Enrolee-ID)
  std::map<std::string, std::string> attributes;  // framework-specific, never secrets
};

class PskIdentityResolver {
 public:
  virtual ~PskIdentityResolver() = default;
  // nullopt: unknown identity; the handshake fails with unknown_psk_identity.
  // Called on a network thread during the handshake.
  virtual std::optional<ResolvedPsk> resolve(std::string_view pskIdentity) = 0;
};

}  // namespace rspf::tls
