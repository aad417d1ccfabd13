#pragma once
// The outcome of a finished, authenticated handshake, as procedures see it. Procedures check
// `grants`, never which framework ran (`framework` names it for logs and the audit trail); they
// never touch SSL*.
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "crypto/secret_bytes.hpp"
#include "tls/grants.hpp"
#include "tls/peer_attributes.hpp"

namespace rspf::tls {

struct AuthenticatedPeer {
  std::string framework;  // "psk" (pre-provisioned key), "reauth" (KreId/Kre), "target-key", ...
  std::string principal;  // identity the credential is registered to (Enrolee-ID, target ID)
  std::string pskIdentity;
  std::map<std::string, std::string> attributes;
  Grants grants;  // what the authenticating framework lets this peer do (tls/grants.hpp)
  std::string remoteAddress;
  // RFC 5705 exporter of this session (no context). Valid while the request is being handled.
  std::function<crypto::SecretBytes(std::string_view label, std::size_t length)> exportKeyingMaterial;
};

}  // namespace rspf::tls
