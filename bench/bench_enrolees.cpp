#include "bench_enrolees.hpp"

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "common/time.hpp"
#include "crypto/primitives.hpp"

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

double addBulkEnrolees(const store::StoreSettings& settings, const store::KeyEncryptionKey& kek, std::size_t count) {
  auto store = store::openStore(settings, kek);
  const auto start = std::chrono::steady_clock::now();
  std::vector<store::Enrolee> batch;
  for (std::size_t i = 0; i < count; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "%07zu", i);
    store::Enrolee e;
    e.enroleeId = std::string("bulk-") + id + ".bench.example.com";
    e.kpmId = std::string("bulk-") + id;
    e.kpm = crypto::randomSecret(32);
    e.createdAt = now();
    batch.push_back(std::move(e));
    if (batch.size() == 1000 || i + 1 == count) {
      for (const auto& refusal : store->addEnrolees(batch))
        if (!refusal.empty()) throw std::runtime_error("bulk Enrolee refused: " + refusal);
      batch.clear();
    }
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  return took.count() > 0 ? static_cast<double>(count) / took.count() : 0;
}

}  // namespace rspf::bench
