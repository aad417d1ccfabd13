// Key identifiers as they arrive from peers (crypto/identifiers): a KeId, KreId or derived key
// identifier as a psk_identity or in /fetchCredentials/<KeId>, a bare RelativeKeId, a MAF's KmId.
#include <cstdlib>

#include "crypto/identifiers.hpp"
#include "fuzz_support.hpp"
#include "maf/master_credential_identifiers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rspf;
  auto text = fuzz::textOf(data, size);
  if (auto id = crypto::parseKeyIdentifier(text)) {
    if (id->relativeKeId.size() != crypto::kRelativeKeIdHexSize || id->mefFqdn.empty()) std::abort();
    // What the MEF writes for a parsed identifier parses back to it.
    auto written = id->suid ? crypto::makeDerivedKeyIdentifier(id->relativeKeId, *id->suid, id->mefFqdn)
                            : crypto::makeKeId(id->relativeKeId, id->mefFqdn);
    auto again = crypto::parseKeyIdentifier(written);
    if (!again || again->relativeKeId != id->relativeKeId || again->suid != id->suid || again->mefFqdn != id->mefFqdn)
      std::abort();
    crypto::makeCredentialId(crypto::CredentialType::KmId, written);
  }
  if (auto relative = crypto::parseRelativeKeId(text); relative && relative->size() != crypto::kRelativeKeIdHexSize)
    std::abort();
  if (crypto::isAsciiIdentifier(text) != fuzz::refusedOrParsed([&] { crypto::requireAsciiIdentifier(text, "id"); }))
    std::abort();
  maf::isKmIdForm(text);
  if (!crypto::equalsIgnoreCase(text, crypto::toLower(text))) std::abort();
  return 0;
}
