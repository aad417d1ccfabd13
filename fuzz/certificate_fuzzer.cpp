// Certificates as the verifier takes them from a peer (ca/pem, ca/certificate_verifier): PEM or DER,
// a chain verified against the embedded CA, the identity checks of TS-0003 8.1.2.4/8.1.2.5, and the
// description of a certificate another CA issued (an upstream EST server's answer).
#include <openssl/x509.h>

#include "ca/certificate_verifier.hpp"
#include "ca/general_names.hpp"
#include "ca/pem.hpp"
#include "fuzz_pki.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rspf;
  const auto& pki = fuzz::Pki::instance();
  static const ca::CertificateVerifier verifier({pki.authority.certificateDer()});
  fuzz::refusedOrParsed([&] {
    auto certificates = ca::parseCertificates({data, size});
    std::vector<crypto::Bytes> chain;
    for (const auto& certificate : certificates) {
      for (const auto& name : ca::subjectAltNamesOf(*certificate)) name.describe();
      chain.push_back(ca::certificateDer(*certificate));
      fuzz::refusedOrParsed([&] { ca::describeIssuedCertificate(chain.back()); });
      ca::certificatePem(*certificate);
    }
    auto verified = verifier.verify(chain);
    for (auto type : {ca::SubjectType::CseId, ca::SubjectType::AeId, ca::SubjectType::DeviceId})
      fuzz::refusedOrParsed([&] { ca::requireRegisteredIdentity(verified, fuzz::kEnroleeId, type); });
    if (const EVP_PKEY* key = X509_get0_pubkey(verified.certificate.get()))
      fuzz::refusedOrParsed([&] { ca::requireRawPublicKey(*key, pki.leafNi); });
  });
  return 0;
}
