// The MEF's resources end to end (mef/mef_router over a real store): the Enrolment Exchange request
// and its completion, MEF Key Retrieval paths and identifiers (/fetchCredentials/<KeId>[/<SUID>],
// X-M2M-Origin), and EST (cacerts, csrattrs, simpleenroll and simplereenroll bodies). The first byte
// picks the authenticated peer; the rest is the connection's bytes, read as the HTTPS session reads
// them. KEID and KREID in the input stand for the current KeId of ae1 and KreId of cse1 (fuzz_mef.hpp).
#include "fuzz_http.hpp"
#include "fuzz_mef.hpp"
#include "fuzz_store.hpp"
#include "fuzz_support.hpp"
#include "mef/mef_router.hpp"
#include "transport/https/http_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rspf;
  if (size < 1) return 0;
  static fuzz::FuzzStore store(fuzz::seedMef);
  static const tls::AuthenticatedPeer kPeers[] = {
      fuzz::peerOf("psk", fuzz::kEnrolee),          // an Enrolee, pre-provisioned key
      fuzz::peerOf("reauth", fuzz::kTarget),        // a Target, KreId (Key Retrieval)
      fuzz::peerOf("certificate", fuzz::kTarget),   // a Target, certificate
      fuzz::peerOf("certificate", fuzz::kEnrolee),  // an Enrolee, certificate (EST re-enrolment)
  };
  const auto& peer = kPeers[data[0] % 4];
  mef::MefRouter router(store.store(), {fuzz::kMefFqdn}, store.kek(), std::chrono::seconds(10));
  auto bytes = fuzz::withIdentifiers(std::string(fuzz::textOf(data + 1, size - 1)), store.store());
  fuzz::forEachRequest(bytes, transport::RequestLimits{}, 4, [&](const transport::HttpRequest& request) {
    fuzz::refusedOrParsed([&] { router.handle(peer, transport::fromHttp(request)).body.size(); });
  });
  store.reset();
  return 0;
}
