#pragma once
// Upstream-CA mode (issue 3 item 5): the MEF, as EST registration authority, forwards the CSRs it
// has vetted to an upstream RFC 7030 server over mutual TLS (RFC 7030 3.2.3: the RA authenticates
// with its own certificate), for instance `rspf ca serve`, and relays the answer: a certificate, or
// 202 with the upstream's Retry-After. The returned certificate is checked before it is passed on:
// it must certify the CSR's key and name exactly the granted subjectAltName.
//
// The upstream issues what a CSR names, so in this mode the CSR must itself carry the granted
// subjectAltName and EKUs (project choice; the CSR attributes tell the Enrolee both).
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "ca/certificate_authority.hpp"
#include "ca/openssl_objects.hpp"

namespace rspf::ca {

struct UpstreamEstSettings {
  std::string url;         // "https://host:port" (the EST path prefix /.well-known/est is appended)
  std::string serverName;  // checked against the upstream's certificate; default: the URL's host
  X509Ptr clientCertificate;
  EvpPkeyPtr clientKey;
  X509StorePtr trustAnchors;  // the upstream server's certificate must chain to these
  std::chrono::seconds timeout{10};
  std::chrono::seconds caCertificatesCacheLifetime{300};
};

class UpstreamEstAuthority final : public CertificateAuthority {
 public:
  // `label`: the CA label path segment, passed on to the upstream as is ("" for none).
  UpstreamEstAuthority(std::shared_ptr<const UpstreamEstSettings> settings, std::string label);

  std::vector<Bytes> caCertificates() override;
  // Error(Forbidden) when the CSR names more than the policy grants, Error(BadRequest) when it does
  // not name what the upstream needs, Error(Unavailable) when the upstream cannot be reached or
  // refuses (its reason included), Error(Internal) for a certificate that does not fit the request.
  Issuance issue(const CertificateRequest& request, const IssuancePolicy& policy, bool reenroll) override;

 private:
  struct Answer;
  Answer call(const std::string& method, const std::string& operation, const std::string& body);

  std::shared_ptr<const UpstreamEstSettings> settings_;
  std::string pathPrefix_;
  std::mutex mutex_;
  std::vector<Bytes> caCertificates_;
  std::chrono::steady_clock::time_point caCertificatesFetched_{};
};

}  // namespace rspf::ca
