// Several `rspf mef` processes on one PostgreSQL database (issue 12 item 4): what one instance
// commits, every other serves at once; the database orders what races across instances.
#include <gtest/gtest.h>

#include <fstream>
#include <latch>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "procedures/enrolment_token.hpp"
#include "support/loopback_deployment.hpp"
#include "support/postgres_cluster.hpp"

namespace rspf {
namespace {

using testing::LoopbackDeployment;
using testing::PostgresCluster;

constexpr const char* kTarget = "target.test.example";
constexpr const char* kEnrolee = "enrolee.test.example";

store::EnrolmentPolicy pairWith(const std::string& target) {
  store::EnrolmentPolicy p;
  p.directKeys = {{target, "SAEF"}};
  p.registrarCseId = target;
  p.enrolmentExpiry = std::chrono::hours(1);
  return p;
}

class SharedStore : public ::testing::Test {
 protected:
  SharedStore() : url(PostgresCluster::shared().createDatabase()), d(url) {}

  // `rspf admin` on the shared store, as an operator on another machine would run it.
  ProcessResult admin(std::vector<std::string> args) {
    args.insert(args.begin(), {"admin", "--store", url, "--kek-file", (d.dir() / "kek").string()});
    return d.rspf(args);
  }

  std::string databaseName() const {
    auto at = url.find("dbname=") + 7;
    return url.substr(at, url.find(' ', at) - at);
  }

  // `rspf enrol` of `enroleeId` at `mefUrl`, its credentials in `credentials`.
  ProcessResult enrolAt(const std::string& mefUrl, const std::string& enroleeId, const std::string& credentials,
                        std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"enrol",
                                     "--mef",
                                     mefUrl,
                                     "--mef-fqdn",
                                     LoopbackDeployment::kMefFqdn,
                                     "--kpm-id",
                                     enroleeId + "-kpm",
                                     "--kpm-file",
                                     d.kpmFile(enroleeId).string(),
                                     "--credentials",
                                     credentials,
                                     "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return d.rspf(args);
  }

  std::string url;
  LoopbackDeployment d;
};

TEST_F(SharedStore, AnEnrolmentAnsweredByOneInstanceIsServedByKeyRetrievalOnAnother) {
  d.addTargetIdentity(kTarget);
  d.addEnrolee(kEnrolee, pairWith(kTarget));
  d.startMef();
  const std::string a = d.mefUrl();
  const std::string b = d.startMefInstance("mef-b");
  ASSERT_NE(a, b);

  d.useMef(a);
  auto enrolled = d.enrol(kEnrolee, {"--json"});
  ASSERT_EQ(enrolled.exitCode, 0) << enrolled.err;

  d.useMef(b);  // the target performs MEF Key Retrieval at instance B
  auto targetUrl = d.startTarget(kTarget);
  auto connected = d.connect(kEnrolee, targetUrl, kTarget);
  ASSERT_EQ(connected.exitCode, 0) << connected.err << d.targetLog(kTarget);
  EXPECT_EQ(nlohmann::json::parse(connected.out)["enroleeId"], kEnrolee);
}

TEST_F(SharedStore, OneSingleUseTokenRacedByTwentyClientsAcrossThreeInstancesEnrolsExactlyOne) {
  auto policy = pairWith(kTarget);
  policy.token = store::TokenRequirement::Required;
  constexpr int kClients = 20;
  for (int i = 0; i < kClients; ++i) d.addEnrolee("e" + std::to_string(i) + ".test.example", policy);
  auto issued = procedures::issueEnrolmentToken("", "race", std::nullopt);
  d.store().addToken(issued.record);
  const auto tokenFile = d.dir() / "token";
  std::ofstream(tokenFile) << issued.value << "\n";

  d.startMef();
  const std::vector<std::string> mefs = {d.mefUrl(), d.startMefInstance("mef-b"), d.startMefInstance("mef-c")};
  std::vector<ProcessResult> results(kClients);
  std::latch start(kClients);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i)
    clients.emplace_back([&, i] {
      const std::string id = "e" + std::to_string(i) + ".test.example";
      start.arrive_and_wait();
      results[i] =
          enrolAt(mefs[i % mefs.size()], id, (d.dir() / (id + ".json")).string(), {"--token-file", tokenFile.string()});
    });
  for (auto& c : clients) c.join();

  int succeeded = 0;
  std::string winner;
  for (int i = 0; i < kClients; ++i) {
    const std::string id = "e" + std::to_string(i) + ".test.example";
    if (results[i].exitCode == 0) {
      ++succeeded;
      winner = id;
    } else {
      EXPECT_NE(results[i].err.find("already used"), std::string::npos) << id << ": " << results[i].err;
      EXPECT_FALSE(d.store().findEnrolmentKeyOf(id)) << id;
    }
  }
  EXPECT_EQ(succeeded, 1);
  auto token = d.store().findToken(issued.record.tokenId);
  ASSERT_TRUE(token && token->usedAt);
  EXPECT_EQ(token->usedBy, winner);
  EXPECT_TRUE(d.store().findEnrolmentKeyOf(winner));
}

TEST_F(SharedStore, ConcurrentEnrolmentsOfOneEnroleeOnTwoInstancesLeaveOneCurrentKeyAndServeOnlyIt) {
  d.addTargetIdentity(kTarget);
  d.addEnrolee(kEnrolee, pairWith(kTarget));
  // No grace period: a replaced key stops being served at once.
  d.startMef("rekey_grace = \"0s\"");
  const std::vector<std::string> mefs = {d.mefUrl(), d.startMefInstance("mef-b", "rekey_grace = \"0s\"")};
  auto targetUrl = d.startTarget(kTarget);

  for (int round = 0; round < 3; ++round) {
    std::vector<ProcessResult> results(2);
    std::latch start(2);
    std::vector<std::thread> clients;
    for (int i = 0; i < 2; ++i)
      clients.emplace_back([&, i] {
        start.arrive_and_wait();
        results[i] = enrolAt(mefs[i], kEnrolee, (d.dir() / ("c" + std::to_string(i) + ".json")).string());
      });
    for (auto& c : clients) c.join();

    auto current = d.store().findEnrolmentKeyOf(kEnrolee);
    ASSERT_TRUE(current);
    int servedClients = 0;
    for (int i = 0; i < 2; ++i) {
      ASSERT_EQ(results[i].exitCode, 0) << results[i].err;
      const std::string keId = nlohmann::json::parse(results[i].out)["keId"];
      const std::string relative = keId.substr(0, keId.find('@'));
      const bool isCurrent = relative == current->relativeKeId;
      // The store serves a KeId exactly when it is the current key.
      EXPECT_EQ(d.store().findEnrolmentKey(relative).has_value(), isCurrent) << "round " << round;
      auto connected = d.rspf({"connect", "--credentials", (d.dir() / ("c" + std::to_string(i) + ".json")).string(),
                               "--target", targetUrl, "--target-id", kTarget});
      EXPECT_EQ(connected.exitCode == 0, isCurrent) << "round " << round << ": " << connected.err;
      servedClients += isCurrent ? 1 : 0;
    }
    EXPECT_EQ(servedClients, 1) << "round " << round;
  }
}

TEST_F(SharedStore, DisablingAnEnroleeThroughAdminStopsKeyRetrievalOnEveryInstance) {
  const std::string targetA = "target-a.test.example";
  const std::string targetB = "target-b.test.example";
  d.addTargetIdentity(targetA);
  d.addTargetIdentity(targetB);
  auto policy = pairWith(targetA);
  policy.directKeys.push_back({targetB, "SAEF"});
  d.addEnrolee(kEnrolee, policy);
  d.startMef();
  const std::string a = d.mefUrl();
  const std::string b = d.startMefInstance("mef-b");
  d.useMef(a);
  ASSERT_EQ(d.enrol(kEnrolee).exitCode, 0);
  const std::string urlA = d.startTarget(targetA);  // retrieves keys at A
  d.useMef(b);
  const std::string urlB = d.startTarget(targetB);  // retrieves keys at B
  ASSERT_EQ(d.connect(kEnrolee, urlA, targetA).exitCode, 0) << d.targetLog(targetA);
  ASSERT_EQ(d.connect(kEnrolee, urlB, targetB).exitCode, 0) << d.targetLog(targetB);

  auto disabled = admin({"enrolee", "disable", kEnrolee});
  ASSERT_EQ(disabled.exitCode, 0) << disabled.err;
  // Fresh targets (no key cached from before): each must retrieve the key from its instance now.
  d.useMef(a);
  const std::string freshA = d.startTarget(targetA);
  d.useMef(b);
  const std::string freshB = d.startTarget(targetB);
  EXPECT_NE(d.connect(kEnrolee, freshA, targetA).exitCode, 0);
  EXPECT_NE(d.connect(kEnrolee, freshB, targetB).exitCode, 0);
  // Enabling it again serves it again, on both.
  ASSERT_EQ(admin({"enrolee", "enable", kEnrolee}).exitCode, 0);
  EXPECT_EQ(d.connect(kEnrolee, freshA, targetA).exitCode, 0) << d.targetLog(targetA);
  EXPECT_EQ(d.connect(kEnrolee, freshB, targetB).exitCode, 0) << d.targetLog(targetB);
}

TEST_F(SharedStore, TheAuditLogWrittenByAllInstancesIsOneChainAndAnEditedOrRemovedRowIsFound) {
  constexpr int kEnrolees = 6;
  for (int i = 0; i < kEnrolees; ++i) d.addEnrolee("e" + std::to_string(i) + ".test.example");
  d.startMef();
  const std::vector<std::string> mefs = {d.mefUrl(), d.startMefInstance("mef-b"), d.startMefInstance("mef-c")};
  std::vector<std::thread> clients;
  std::vector<int> exits(kEnrolees, -1);
  for (int i = 0; i < kEnrolees; ++i)
    clients.emplace_back([&, i] {
      const std::string id = "e" + std::to_string(i) + ".test.example";
      exits[i] = enrolAt(mefs[i % mefs.size()], id, (d.dir() / (id + ".json")).string()).exitCode;
    });
  for (auto& c : clients) c.join();
  for (int e : exits) ASSERT_EQ(e, 0);
  // Each instance writes its entries shortly after answering; stopping them writes what is queued.
  d.stopMef();
  d.stopMefInstance("mef-b");
  d.stopMefInstance("mef-c");

  auto verified = admin({"audit", "verify"});
  ASSERT_EQ(verified.exitCode, 0) << verified.out << verified.err;
  const auto& cluster = PostgresCluster::shared();
  const int entries = std::stoi(cluster.sql(databaseName(), "SELECT count(*) FROM audit_log"));
  EXPECT_GE(entries, kEnrolees);
  // Every instance wrote into the one chain.
  EXPECT_EQ(std::stoi(cluster.sql(databaseName(),
                                  "SELECT count(*) FROM audit_log WHERE action = "
                                  "'enrolment_exchange'")),
            kEnrolees);

  std::string original = cluster.sql(databaseName(), "SELECT outcome FROM audit_log WHERE seq = 3");
  original.pop_back();  // the newline
  cluster.sql(databaseName(), "UPDATE audit_log SET outcome = 'edited' WHERE seq = 3");
  auto edited = admin({"audit", "verify"});
  EXPECT_EQ(edited.exitCode, 1);
  EXPECT_NE((edited.out + edited.err).find("entry 3 was altered"), std::string::npos) << edited.out << edited.err;

  cluster.sql(databaseName(), "UPDATE audit_log SET outcome = '" + original + "' WHERE seq = 3");
  ASSERT_EQ(admin({"audit", "verify"}).exitCode, 0);  // restored
  cluster.sql(databaseName(), "DELETE FROM audit_log WHERE seq = 5");
  auto removed = admin({"audit", "verify"});
  EXPECT_EQ(removed.exitCode, 1);
  EXPECT_NE((removed.out + removed.err).find("entry 5 is missing"), std::string::npos) << removed.out << removed.err;
}

}  // namespace
}  // namespace rspf
