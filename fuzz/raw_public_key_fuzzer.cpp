// Raw public keys (RFC 7250) and their RFC 6920 ni names (ca/raw_public_key, ca/pem): a registered
// rawPublicKey (ni URI or PEM) as the admin API takes it, and a presented key matched against it.
#include "ca/certificate_verifier.hpp"
#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "fuzz_pki.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rspf;
  const auto& pki = fuzz::Pki::instance();
  auto text = fuzz::textOf(data, size);
  if (auto ni = ca::normalizeNiIdentifier(text)) {
    if (ca::normalizeNiIdentifier(*ni) != ni) std::abort();
    ca::matchesNiIdentifier(*pki.leafKey, *ni);
  }
  fuzz::refusedOrParsed([&] { ca::requireRawPublicKey(*pki.leafKey, text); });
  fuzz::refusedOrParsed([&] {
    auto key = ca::parsePublicKey({data, size});
    auto ni = ca::niIdentifier(*key);
    if (!ca::matchesNiIdentifier(*key, ni)) std::abort();
    ca::describeKey(*key);
    fuzz::refusedOrParsed([&] { ca::requireP256(*key, "the raw public key"); });
  });
  fuzz::refusedOrParsed([&] { ca::publicKeyFromSpkiDer({data, size}); });
  return 0;
}
