// Certificate revocation lists as a verifier with CRL checking loads them (CertificateVerifier::addCrl,
// PEM or DER), then the CA's own leaf checked against them.
#include "ca/certificate_verifier.hpp"
#include "ca/pem.hpp"
#include "fuzz_pki.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rspf;
  const auto& pki = fuzz::Pki::instance();
  // A verifier per input: a loaded CRL stays in its store.
  ca::CertificateVerifier verifier({pki.authority.certificateDer()}, {.checkCrl = true});
  if (!fuzz::refusedOrParsed([&] { verifier.addCrl({data, size}); })) return 0;
  ca::crlPem({data, size});
  fuzz::refusedOrParsed([&] { verifier.verify({pki.leaf.der}); });
  return 0;
}
