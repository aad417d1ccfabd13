#include "target_fixture.hpp"

#include "admin/administration.hpp"
#include "enrolee/enrolment_client.hpp"
#include "store/open/open_store.hpp"

namespace rspf::bench {

TargetFixture setUpTargetStore(const std::filesystem::path& path, const store::KeyEncryptionKey& kek, int enrolees) {
  auto store = store::openSqliteStore(path, kek);
  admin::addTarget(*store, kBenchTargetId, "CSE");
  auto add = [&](const std::string& id, const std::string& kpmId, store::EnrolmentPolicy policy) {
    admin::AddEnroleeRequest request;
    request.enroleeId = id;
    request.kpmId = kpmId;
    request.policy = std::move(policy);
    return PskCredential{kpmId, std::move(*admin::addEnrolee(*store, std::move(request)).generatedKpm)};
  };
  TargetFixture f;
  f.target = add(kBenchTargetId, "kpm-target", {});
  for (int i = 0; i < enrolees; ++i) {
    store::EnrolmentPolicy policy;
    policy.directKeys = {{kBenchTargetId, kBenchUsage}};
    f.enrolees.push_back(
        add("e" + std::to_string(i) + ".bench.example", "kpm-" + std::to_string(i), std::move(policy)));
  }
  return f;
}

mef::MefConfig benchMefConfig(const std::filesystem::path& store, const std::filesystem::path& kekFile, int threads) {
  mef::MefConfig config;
  config.fqdn = kBenchMefFqdn;
  config.host = "127.0.0.1";
  config.port = 0;
  config.store.sqlite = store;
  config.kekFile = kekFile;
  config.threads = threads;
  return config;
}

enrolee::EnroleeCredentials enrolWithKpm(std::uint16_t mefPort, const PskCredential& kpm) {
  enrolee::EnrolOptions options;
  options.mefUrl = "https://127.0.0.1:" + std::to_string(mefPort);
  options.mefFqdn = kBenchMefFqdn;
  options.kpmId = kpm.identity;
  options.kpm = kpm.psk;
  return enrolee::enrol(options);
}

}  // namespace rspf::bench
