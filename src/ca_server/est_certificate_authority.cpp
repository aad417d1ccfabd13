#include "ca_server/est_certificate_authority.hpp"

#include <spdlog/spdlog.h>

#include "ca/issuance_check.hpp"
#include "ca/pkcs7.hpp"
#include "common/error.hpp"
#include "procedures/certificate_approval.hpp"
#include "transport/https/http_codec.hpp"

namespace rspf::ca_server {

transport::HttpResponse EstCertificateAuthority::handle(const tls::AuthenticatedPeer& registrationAuthority,
                                                        const transport::HttpRequest& request) {
  auto segments = transport::pathSegments(request.target);
  const bool est =
      (segments.size() == 3 || segments.size() == 4) && segments[0] == ".well-known" && segments[1] == "est";
  if (!est) throw Error(ErrorCode::NotFound, "no resource at " + request.target.substr(0, 200));
  const std::string label = segments.size() == 4 ? segments[2] : "";
  if (!label.empty() && label != config_.label)
    throw Error(ErrorCode::NotFound, "this CA does not serve the label '" + label.substr(0, 64) + "'");
  const std::string& operation = segments.back();
  if (operation == "cacerts") {
    transport::requireMethod(request, "GET");
    return transport::toHttp(procedures::certificateResponse(authority_.certificateDer()).answer);
  }
  if (operation == "simpleenroll" || operation == "simplereenroll") {
    transport::requireMethod(request, "POST");
    return transport::toHttp(enroll(registrationAuthority, request.body, operation == "simplereenroll").answer);
  }
  throw Error(ErrorCode::NotFound,
              "this CA offers cacerts, simpleenroll and simplereenroll, not '" + operation.substr(0, 64) + "'");
}

procedures::EstResponse EstCertificateAuthority::enroll(const tls::AuthenticatedPeer& registrationAuthority,
                                                        std::string_view body, bool reenroll) {
  auto request = ca::CertificateRequest::fromEstBody(body);  // size, DER, proof of possession
  auto policy = ca::policyFromVettedRequest(request, config_.validity);
  if (config_.holdForApproval && !procedures::approvedOrHeld(store_, policy.identifier, config_.label, request))
    return procedures::heldResponse(config_.retryAfter);
  auto issued = authority_.issue(request, policy);  // Forbidden outside the name constraints
  store_.recordIssuedCertificate({issued.serialHex,
                                  config_.label,
                                  policy.identifier,
                                  policy.identifier,
                                  issued.notBefore,
                                  issued.notAfter,
                                  now(),
                                  issued.der,
                                  {},
                                  {}});
  spdlog::info("certificate {} {} for '{}' at the request of registration authority '{}'", issued.serialHex,
               reenroll ? "re-issued" : "issued", policy.identifier, registrationAuthority.principal);
  return procedures::certificateResponse(issued.der);
}

}  // namespace rspf::ca_server
