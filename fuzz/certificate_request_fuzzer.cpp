// PKCS#10 requests as the CA takes them (ca/certificate_request, ca/issuance_check): DER parsing with
// its checks (size, self-signature, P-256, ECDSA-SHA-256), the registration authority's grant, the
// upstream CA's explicit-request rule and vetted-request policy, and issuance by the embedded CA.
#include "ca/issuance_check.hpp"
#include "fuzz_pki.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rspf;
  const auto& pki = fuzz::Pki::instance();
  fuzz::refusedOrParsed([&] {
    auto request = ca::CertificateRequest::fromDer({data, size});
    for (const auto& name : request.requestedSubjectAltNames()) name.describe();
    for (const auto& eku : request.requestedExtendedKeyUsages()) ca::describeEku(eku);
    request.challengePasswordMatches("fuzz-challenge");
    fuzz::refusedOrParsed([&] { ca::grantRequest(request, pki.policy); });
    fuzz::refusedOrParsed([&] { ca::requireExplicitRequest(request); });
    fuzz::refusedOrParsed([&] { ca::policyFromVettedRequest(request, std::chrono::hours(1)); });
    pki.authority.issue(request, pki.policy);
  });
  return 0;
}
