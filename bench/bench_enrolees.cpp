#include "bench_enrolees.hpp"

#include <cstdio>
#include <string>

#include "admin/administration.hpp"
#include "store/open/open_store.hpp"

namespace rspf::bench {

std::vector<PskCredential> registerEnrolees(const store::StoreSettings& settings, const store::KeyEncryptionKey& kek,
                                            int count) {
  auto store = store::openStore(settings, kek);
  std::vector<PskCredential> credentials;
  for (int i = 0; i < count; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "%04d", i);
    admin::AddEnroleeRequest request;
    request.enroleeId = std::string("cse-") + id + ".bench.example.com";
    request.kpmId = std::string("kpm-") + id;
    auto result = admin::addEnrolee(*store, std::move(request));
    credentials.push_back({std::string("kpm-") + id, std::move(*result.generatedKpm)});
  }
  return credentials;
}

}  // namespace rspf::bench
