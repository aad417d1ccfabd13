#pragma once
// The CA behind the MEF's EST registration authority (ARCHITECTURE.md: "the embedded CA and the
// upstream-EST forwarder behind one interface"): the embedded CA of the store, or an upstream RFC 7030
// server (upstream_est_authority.hpp). The registration authority has checked the Enrolee and its
// CSR against the policy before either is asked.
#include <chrono>
#include <optional>
#include <vector>

#include "ca/embedded_ca.hpp"

namespace rspf::ca {

// A CA's answer: a certificate, or a request held by the CA (RFC 7030 4.2.3: 202 + Retry-After).
struct Issuance {
  std::optional<IssuedCertificate> certificate;
  std::chrono::seconds retryAfter{0};  // when held
};

class CertificateAuthority {
 public:
  virtual ~CertificateAuthority() = default;
  // The certificates /cacerts returns (RFC 7030 4.1.3): the issuing CA first.
  virtual std::vector<Bytes> caCertificates() = 0;
  // `reenroll`: the request renews a current certificate (RFC 7030 4.2.2).
  virtual Issuance issue(const CertificateRequest& request, const IssuancePolicy& policy, bool reenroll) = 0;
};

// The store's embedded CA: issues at once.
class EmbeddedAuthority final : public CertificateAuthority {
 public:
  explicit EmbeddedAuthority(EmbeddedCa ca) : ca_(std::move(ca)) {}
  std::vector<Bytes> caCertificates() override { return {ca_.certificateDer()}; }
  Issuance issue(const CertificateRequest& request, const IssuancePolicy& policy, bool) override {
    return {ca_.issue(request, policy), std::chrono::seconds(0)};
  }

 private:
  EmbeddedCa ca_;
};

}  // namespace rspf::ca
