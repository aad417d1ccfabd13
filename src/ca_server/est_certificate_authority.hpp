#pragma once
// The EST server of `rspf ca serve` (RFC 7030), for registration authorities only: every client
// is a MEF that authenticated with a certificate chaining to the configured anchors and has vetted
// the CSR against its policy. The CA issues what the CSR names (ca/issuance_check.hpp), within its
// name constraints, records every certificate, and can hold requests for an administrator.
#include <string>
#include <string_view>

#include "ca/embedded_ca.hpp"
#include "ca_server/ca_server_config.hpp"
#include "procedures/certificate_enrolment.hpp"
#include "store/store.hpp"
#include "tls/authenticated_peer.hpp"
#include "transport/https/http_message.hpp"

namespace rspf::ca_server {

class EstCertificateAuthority {
 public:
  EstCertificateAuthority(store::Store& store, ca::EmbeddedCa authority, const CaServerConfig& config)
      : store_(store), authority_(std::move(authority)), config_(config) {}

  const ca::EmbeddedCa& authority() const { return authority_; }

  // /.well-known/est[/<label>]/{cacerts, simpleenroll, simplereenroll}; throws rspf::Error.
  transport::HttpResponse handle(const tls::AuthenticatedPeer& registrationAuthority,
                                 const transport::HttpRequest& request);

 private:
  procedures::EstResponse enroll(const tls::AuthenticatedPeer& registrationAuthority, std::string_view body,
                                 bool reenroll);

  store::Store& store_;
  ca::EmbeddedCa authority_;
  const CaServerConfig& config_;
};

}  // namespace rspf::ca_server
