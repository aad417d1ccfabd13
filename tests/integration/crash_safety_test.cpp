// Crash safety (issue 9 item 8): Enrolees enrol from several clients while the MEF is killed with
// SIGKILL several times and restarted; every enrolment acknowledged with 200 must still be served by
// MEF Key Retrieval afterwards, and the audit log's chain must verify.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "as_enrolee/target_enrolment.hpp"
#include "crypto/identifiers.hpp"
#include "crypto/provisioned_keys.hpp"
#include "enrolee/enrolee_credentials.hpp"
#include "support/loopback_deployment.hpp"
#include "target/mef_key_fetcher.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kTarget = "cse1.test.example";
constexpr int kClients = 4;
constexpr int kEnroleesPerClient = 3;
constexpr int kKills = 3;

TEST(CrashSafety, AcknowledgedEnrolmentsSurviveKillNineOfTheMef) {
  LoopbackDeployment d;
  d.addTargetIdentity(kTarget);
  store::EnrolmentPolicy policy;
  policy.directKeys = {{kTarget, "SAEF"}};
  std::vector<std::string> enrolees;
  for (int i = 0; i < kClients * kEnroleesPerClient; ++i) {
    enrolees.push_back("ae" + std::to_string(i) + ".test.example");
    d.addEnrolee(enrolees.back(), policy);
  }
  d.startMef();
  ASSERT_EQ(d.enrol(kTarget).exitCode, 0);  // the target's own credentials, for Key Retrieval

  std::mutex mutex;
  std::string mefUrl = d.mefUrl();
  std::vector<std::pair<std::string, std::string>> acknowledged;  // (Enrolee-ID, KeId)
  std::atomic<bool> stop{false};
  std::atomic<int> attempts{0};
  auto client = [&](int c) {
    for (int round = 0; !stop; ++round) {
      const std::string id = enrolees[static_cast<std::size_t>(c * kEnroleesPerClient + round % kEnroleesPerClient)];
      std::string url;
      {
        std::lock_guard lock(mutex);
        url = mefUrl;
      }
      ++attempts;
      auto r = d.rspf({"enrol", "--mef", url, "--mef-fqdn", LoopbackDeployment::kMefFqdn, "--kpm-id", id + "-kpm",
                       "--kpm-file", d.kpmFile(id).string(), "--credentials", d.credentialFile(id).string()});
      if (r.exitCode != 0) continue;  // refused or cut by a kill: not acknowledged
      auto credentials = enrolee::CredentialFile{d.credentialFile(id), std::nullopt}.load();
      std::lock_guard lock(mutex);
      acknowledged.emplace_back(id, credentials.keId);
    }
  };
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) clients.emplace_back(client, c);
  // Each kill comes once the clients made progress since the last one (at least one more acknowledged
  // enrolment, or 1.5 s, whichever is later; at most 15 s: a slow machine or a sanitizer build).
  auto acknowledgedCount = [&] {
    std::lock_guard lock(mutex);
    return acknowledged.size();
  };
  for (int kill = 0; kill < kKills; ++kill) {
    const auto before = acknowledgedCount();
    const auto earliest = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
    const auto latest = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < latest &&
           (std::chrono::steady_clock::now() < earliest || acknowledgedCount() == before))
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_EQ(::kill(d.mefPid(), SIGKILL), 0);
    d.startMef();  // the same store; a new port
    std::lock_guard lock(mutex);
    mefUrl = d.mefUrl();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  stop = true;
  for (auto& t : clients) t.join();

  ASSERT_GE(acknowledged.size(), static_cast<std::size_t>(kKills)) << attempts << " attempts";
  // Key Retrieval by the target, of every acknowledged KeId (replaced ones are within [mef] rekey_grace).
  auto own = as_enrolee::ownEnrolmentOf(enrolee::CredentialFile{d.credentialFile(kTarget), std::nullopt}.load());
  own.mefUrl = d.mefUrl();
  target::MefKeyFetcher fetcher(kTarget, own);
  const int suid = crypto::defaultSuid(crypto::Usage::SAEF);
  for (const auto& [enrolee, keId] : acknowledged) {
    try {
      auto key = fetcher.fetch(keId, suid);
      EXPECT_FALSE(key.key.empty()) << enrolee << " " << keId;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "acknowledged enrolment of " << enrolee << " (" << keId << ") is lost: " << e.what();
    }
  }
  auto verified = d.rspf({"admin", "--config", (d.dir() / "mef.toml").string(), "audit", "verify"});
  EXPECT_EQ(verified.exitCode, 0) << verified.out << verified.err;
  std::cout << acknowledged.size() << " of " << attempts << " enrolments acknowledged across " << kKills
            << " kill -9 of the MEF\n";
}

}  // namespace
}  // namespace rspf::testing
