// The certs-only PKCS#7 an EST server returns (ca/pkcs7), as the Enrolee and the MEF (from an
// upstream CA) read it: the base64 body, the certificates in it, and each one described.
#include "ca/embedded_ca.hpp"
#include "ca/pem.hpp"
#include "ca/pkcs7.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rspf;
  auto use = [](crypto::ByteView der) {
    for (const auto& certificate : ca::certificatesFromPkcs7(der)) {
      fuzz::refusedOrParsed([&] { ca::describeIssuedCertificate(certificate); });
      fuzz::refusedOrParsed([&] { ca::parseCertificate(certificate); });
    }
  };
  fuzz::refusedOrParsed([&] { use({data, size}); });
  fuzz::refusedOrParsed([&] { use(ca::estBase64Decode(fuzz::textOf(data, size), "the EST answer")); });
  return 0;
}
