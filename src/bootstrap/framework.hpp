#pragma once
// The shape every Remote Security Provisioning Framework has at the MEF (seed 8.3.2): it resolves a
// peer from its handshake credential and states what its peers may do. The registry
// (framework_registry.hpp) asks the frameworks the configuration turned on; procedures see only
// the AuthenticatedPeer's grants, never which framework ran.
#include <string_view>

#include "tls/certificate_profile.hpp"
#include "tls/grants.hpp"
#include "tls/psk_identity_resolver.hpp"

namespace rspf::bootstrap {

class Framework {
 public:
  virtual ~Framework() = default;
  // "psk", "reauth", "certificate", "gba": in logs, the audit trail and the stored enrolment.
  virtual std::string_view name() const = 0;
  // What the peers it authenticates may do at the MEF.
  virtual tls::Grants grants() const = 0;
  // How it authenticates: by PSK identity, by client certificate, or both. Null: not that way.
  virtual tls::PskIdentityResolver* pskIdentities() { return nullptr; }
  virtual tls::CertificatePeerResolver* certificates() { return nullptr; }
  // The psk_identity_hint the listener sends while this framework is on (GBA: TS 24.109 annex F).
  virtual std::string_view pskIdentityHint() const { return ""; }
};

}  // namespace rspf::bootstrap
