// psk_identity as a TLS-PSK client presents it to the MEF (any bytes OpenSSL passes on), resolved by
// the MEF's framework chain over a real store: re-authentication (KreId), pre-provisioned key (KpmId)
// and GBA ("3GPP-bootstrapping[-uicc].<B-TID>", with a Zn that knows one B-TID). KREID in the input
// stands for cse1's current KreId (fuzz_mef.hpp).
#include "bootstrap/framework_registry.hpp"
#include "bootstrap/gba/gba_framework.hpp"
#include "bootstrap/psk/pre_provisioned_key.hpp"
#include "bootstrap/reauth/re_authentication_key.hpp"
#include "fuzz_mef.hpp"
#include "fuzz_store.hpp"
#include "fuzz_support.hpp"

namespace {

constexpr const char* kBtid = "AAAAAAAAAAAAAAAAAAAAAA==@bsf.fuzz.example";

std::optional<rspf::bootstrap::NafKeys> knownBtid(const std::string& btid, rspf::crypto::ByteView) {
  if (btid != kBtid) return std::nullopt;
  rspf::bootstrap::NafKeys keys;
  keys.ksNaf = rspf::crypto::SecretBytes(rspf::crypto::Bytes(32, 1));
  keys.impi = "impi@ims.fuzz.example";
  keys.expiry = rspf::now() + std::chrono::hours(1);
  return keys;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rspf;
  static fuzz::FuzzStore store(fuzz::seedMef);
  bootstrap::FrameworkRegistry chain;
  chain.add(std::make_unique<bootstrap::ReAuthenticationFramework>(store.store(), fuzz::kMefFqdn));
  chain.add(std::make_unique<bootstrap::PreProvisionedKeyFramework>(store.store()));
  chain.add(std::make_unique<bootstrap::GbaFramework>(fuzz::kMefFqdn, knownBtid,
                                                      [](std::string_view impi) -> std::optional<std::string> {
                                                        if (impi == "impi@ims.fuzz.example")
                                                          return std::string(fuzz::kEnrolee);
                                                        return std::nullopt;
                                                      }));
  auto identity = fuzz::withIdentifiers(std::string(fuzz::textOf(data, size)), store.store());
  for (std::uint16_t suite : {0x00AE, 0x1301}) {
    fuzz::refusedOrParsed([&] {
      if (auto resolved = chain.resolveInHandshake(identity, {suite})) {
        if (resolved->principal.empty() || resolved->psk.size() == 0) std::abort();
      }
    });
  }
  return 0;
}
