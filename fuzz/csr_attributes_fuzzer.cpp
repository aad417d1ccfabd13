// The CSR attributes of EST /csrattrs (RFC 7030 4.5.2; ca/csr_attributes) as the Enrolee reads them
// from an EST server, then the request it builds from them.
#include "fuzz_pki.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rspf;
  const auto& pki = fuzz::Pki::instance();
  fuzz::refusedOrParsed([&] {
    auto attributes = ca::parseCsrAttributes({data, size});
    for (const auto& name : attributes.subjectAltNames) name.describe();
    auto der = ca::buildCertificateRequest(*pki.leafKey, fuzz::kEnroleeId, attributes);
    ca::CertificateRequest::fromDer(der);
  });
  return 0;
}
