// The admin API's resources end to end (admin_api/admin_router over a real store): every route with
// its JSON body (registration, policy, import, tokens, targets, certificate authorities, revocation)
// and its path and query parameters. The input is the connection's bytes after the token check, read
// as the HTTPS session reads them. KEID and KREID stand for current identifiers (fuzz_mef.hpp).
#include "admin_api/admin_router.hpp"
#include "fuzz_http.hpp"
#include "fuzz_mef.hpp"
#include "fuzz_store.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rspf;
  static fuzz::FuzzStore store(fuzz::seedMef);
  admin_api::AdminRouter router(store.store(), store.kek(),
                                {fuzz::kMefFqdn, std::string("https://") + fuzz::kMefFqdn + ":8443", std::nullopt});
  auto bytes = fuzz::withIdentifiers(std::string(fuzz::textOf(data, size)), store.store());
  fuzz::forEachRequest(bytes, transport::RequestLimits{}, 4, [&](const transport::HttpRequest& request) {
    fuzz::refusedOrParsed([&] { router.handle(request).body.size(); });
  });
  store.reset();
  return 0;
}
