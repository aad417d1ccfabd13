// Every role over CoAPS (issue 11; PROTOCOL.md 7), as real processes on loopback: the GBA framework
// with the MEF as NAF over DTLS-PSK (Ub stays HTTPS; the DTLS identity is 3GPP-bootstrapping.<B-TID>,
// the key Ks_NAF for the DTLS suite), Remote MAF Enrolment and `rspf maf-connect` with a MAF's
// `listen_coaps`, and a signed Bootstrap Instruction bundle naming a coaps:// MEF. Each with its
// negative twin: refused, and nothing stored.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "admin/administration.hpp"
#include "enrolee/enrolee_credentials.hpp"
#include "support/gba_deployment.hpp"
#include "support/loopback_deployment.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kCse = "cse1.test.example";
constexpr const char* kEnrolee = "ae1.test.example";
constexpr const char* kMaf = "maf.test.example";
constexpr const char* kImpi = "001010123456789@ims.mnc001.mcc001.3gppnetwork.org";
constexpr const char* kUnregisteredImpi = "001010999999999@ims.mnc001.mcc001.3gppnetwork.org";
const std::string kCoapsListener = "listen_coaps = \"127.0.0.1:0\"\n";

std::string readyAddress(const std::filesystem::path& file) {
  std::string where;
  std::ifstream in(file);
  std::getline(in, where);
  return where;
}

// `rspf enrol` for a registered Enrolee (LoopbackDeployment::enrol) against the MEF's CoAPS listener.
ProcessResult enrolOverCoaps(LoopbackDeployment& d, const std::string& coaps, const std::string& enroleeId,
                             std::vector<std::string> extra = {}) {
  const auto https = d.mefUrl();
  d.useMef(coaps);
  auto r = d.enrol(enroleeId, std::move(extra));
  d.useMef(https);
  return r;
}

class GbaOverCoaps : public ::testing::Test {
 protected:
  void SetUp() override {
    gba = std::make_unique<GbaDeployment>(d);
    ASSERT_EQ(gba->addSubscriber(kImpi, LoopbackDeployment::kMefFqdn).exitCode, 0);
    ASSERT_EQ(gba->addSubscriber(kUnregisteredImpi, LoopbackDeployment::kMefFqdn).exitCode, 0);
    gba->registerEnrolee(kCse, kImpi);
    gba->start();
    d.startMef(kCoapsListener + gba->mefToml());
    // GbaDeployment::enrol names the MEF by the deployment's URL: the CoAPS listener's from here on.
    d.useMef("coaps://" + d.waitForMefReadyFile("mef.ready.coaps"));
  }

  LoopbackDeployment d;
  std::unique_ptr<GbaDeployment> gba;
};

TEST_F(GbaOverCoaps, TheMefAsNafEnrolsOverDtlsWithKsNafThenReusesTheBootstrapping) {
  auto usim = gba->createUsim("cse1", kImpi);
  auto first = gba->enrol(kCse, usim, {"--json"});
  ASSERT_EQ(first.exitCode, 0) << first.err << d.mefLog() << gba->log();
  auto summary = nlohmann::json::parse(first.out);
  EXPECT_FALSE(summary["gba"]["reusedBootstrapping"].get<bool>());
  EXPECT_TRUE(summary["gba"]["pskIdentity"].get<std::string>().starts_with("3GPP-bootstrapping.")) << first.out;
  auto key = d.store().findEnrolmentKeyOf(kCse);
  ASSERT_TRUE(key);
  EXPECT_EQ(summary["keId"], key->relativeKeId + "@" + LoopbackDeployment::kMefFqdn);
  // The MEF served it on the CoAPS listener, the GBA framework authenticating the DTLS session.
  EXPECT_NE(d.mefLog().find("CoAP POST /enrolment/exchange -> 200 (gba '" + std::string(kCse) + "')"),
            std::string::npos)
      << d.mefLog();
  auto saved = enrolee::CredentialFile{d.credentialFile(kCse), std::nullopt}.load();
  EXPECT_TRUE(saved.mefUrl.starts_with("coaps://")) << saved.mefUrl;

  // The kept Ks serves the next DTLS session too (seed 8.3.2.3 step 2), with a new Enrolment Key.
  auto second = gba->enrol(kCse, usim, {"--json"});
  ASSERT_EQ(second.exitCode, 0) << second.err << d.mefLog();
  EXPECT_TRUE(nlohmann::json::parse(second.out)["gba"]["reusedBootstrapping"].get<bool>());
  EXPECT_NE(d.store().findEnrolmentKeyOf(kCse)->relativeKeId, key->relativeKeId);
}

TEST_F(GbaOverCoaps, ASubscriberTheMefDoesNotKnowAsAnEnroleeIsRefusedAndNothingIsStored) {
  auto usim = gba->createUsim("stranger", kUnregisteredImpi);
  auto r = gba->enrol("stranger.test.example", usim);
  EXPECT_NE(r.exitCode, 0) << r.out;
  EXPECT_NE(r.err.find("DTLS handshake"), std::string::npos) << r.err << d.mefLog();
  EXPECT_FALSE(d.store().findEnrolmentKeyOf(kCse));
  EXPECT_FALSE(d.store().findEnrolmentKeyOf("stranger.test.example"));
}

class MafOverCoaps : public ::testing::Test {
 protected:
  void SetUp() override {
    d.createCertificateAuthority({"test.example"}, {".test.example"});
    admin::addTarget(d.store(), kMaf, "MAF");
    d.startMef(kCoapsListener);
    mefCoaps = "coaps://" + d.waitForMefReadyFile("mef.ready.coaps");
    // The MAF fetches Km from the MEF over HTTPS by its certificate; Enrolees reach it over CoAPS.
    d.startMaf(kMaf, false, kCoapsListener);
    mafCoaps = "coaps://" + readyAddress(d.dir() / (std::string(kMaf) + ".ready.coaps"));
    ASSERT_NE(mafCoaps, "coaps://");
    store::EnrolmentPolicy policy;
    policy.maf = store::MafInstruction{kMaf, mafCoaps, "symmetric", {"SAEF"}};
    d.addEnrolee(kEnrolee, policy);
  }

  ProcessResult mafConnect(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"maf-connect", "--credentials", d.credentialFile(kEnrolee).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return d.rspf(args);
  }

  LoopbackDeployment d;
  std::string mefCoaps, mafCoaps;
};

TEST_F(MafOverCoaps, RemoteMafEnrolmentAndMafConnectRunOverDtls) {
  auto enrolled = enrolOverCoaps(d, mefCoaps, kEnrolee, {"--maf", "--json"});
  ASSERT_EQ(enrolled.exitCode, 0) << enrolled.err << d.targetLog(kMaf) << d.mefLog();
  auto kmId = nlohmann::json::parse(enrolled.out)["mafEnrolment"]["kmId"].get<std::string>();
  auto key = d.store().findEnrolmentKeyOf(kEnrolee);
  ASSERT_TRUE(key);
  EXPECT_EQ(kmId, key->relativeKeId + "-21@" + LoopbackDeployment::kMefFqdn);
  // Step 8's report reached the MEF over CoAPS, on a KreId session.
  EXPECT_EQ(key->completedSteps, std::vector<std::string>{"mafEnrolment"});
  EXPECT_NE(d.mefLog().find("CoAP POST /enrolment/exchange/complete -> 200"), std::string::npos) << d.mefLog();
  EXPECT_NE(d.targetLog(kMaf).find("CoAP GET /enrolment -> 200"), std::string::npos) << d.targetLog(kMaf);

  // Later DTLS sessions present the KmId; a usage outside the instruction's is refused 4.03.
  auto whoami = mafConnect();
  ASSERT_EQ(whoami.exitCode, 0) << whoami.err << d.targetLog(kMaf);
  auto who = nlohmann::json::parse(whoami.out);
  EXPECT_EQ(who["enroleeId"], kEnrolee);
  EXPECT_EQ(who["kmId"], kmId);
  EXPECT_EQ(mafConnect({"--use", "SAEF"}).exitCode, 0);
  auto refused = mafConnect({"--use", "ESData"});
  EXPECT_NE(refused.exitCode, 0);
  EXPECT_NE(refused.err.find("(4.03)"), std::string::npos) << refused.err;
}

TEST_F(MafOverCoaps, AnUnknownKmIdIsRefusedInTheDtlsHandshake) {
  ASSERT_EQ(enrolOverCoaps(d, mefCoaps, kEnrolee, {"--maf"}).exitCode, 0) << d.mefLog();
  // The Enrolee's KmId, altered: the MAF does not know it.
  auto credentials = enrolee::CredentialFile{d.credentialFile(kEnrolee), std::nullopt}.load();
  auto* km = credentials.findTargetKey(kMaf, "MAF");
  ASSERT_NE(km, nullptr);
  km->kmId = "x" + km->kmId;
  enrolee::CredentialFile{d.credentialFile(kEnrolee), std::nullopt}.save(credentials);
  auto unknown = mafConnect({"--identity", "kmid"});
  EXPECT_NE(unknown.exitCode, 0) << unknown.out;
  EXPECT_NE(unknown.err.find("DTLS handshake"), std::string::npos) << unknown.err;
  EXPECT_NE(d.targetLog(kMaf).find("DTLS handshake from"), std::string::npos) << d.targetLog(kMaf);
}

// A MAF whose [mef] url is coaps:// fetches Km over DTLS by its certificate (ECDHE-ECDSA): Remote
// MAF Enrolment then runs as over TLS.
TEST(MafKeyRetrievalOverCoaps, TheMafFetchesKmOverDtlsByItsCertificate) {
  LoopbackDeployment d;
  d.createCertificateAuthority({"test.example"}, {".test.example"});
  admin::addTarget(d.store(), kMaf, "MAF");
  d.startMef(kCoapsListener);
  const auto https = d.mefUrl();
  d.useMef("coaps://" + d.waitForMefReadyFile("mef.ready.coaps"));
  auto mafUrl = d.startMaf(kMaf, false);
  d.useMef(https);
  store::EnrolmentPolicy policy;
  policy.maf = store::MafInstruction{kMaf, mafUrl, "symmetric", {"SAEF"}};
  d.addEnrolee(kEnrolee, policy);
  auto enrolled = d.enrol(kEnrolee, {"--maf", "--json"});
  ASSERT_EQ(enrolled.exitCode, 0) << enrolled.err << d.targetLog(kMaf) << d.mefLog();
  EXPECT_FALSE(nlohmann::json::parse(enrolled.out)["mafEnrolment"]["kmId"].get<std::string>().empty());
  const auto log = d.mefLog();
  EXPECT_NE(log.find("CoAP GET /fetchCredentials/"), std::string::npos) << log;
  EXPECT_NE(log.find("ECDHE-ECDSA-AES128-CCM8 from"), std::string::npos) << log;
  EXPECT_NE(log.find("key retrieval: 'maf.test.example' fetched"), std::string::npos) << log;
}

// `rspf target` with a coaps:// MEF URL enrols itself over CoAPS and fetches Enrolees' keys there, all
// its fetches on one DTLS session authenticated by its KreId; the key of an Enrolee disabled since it
// enrolled is refused by the MEF over CoAPS, and so is that Enrolee's handshake.
TEST(TargetOverCoaps, TheTargetsOwnEnrolmentAndItsKeyRetrievalsRunOverOneDtlsSession) {
  LoopbackDeployment d;
  d.addTargetIdentity(kCse);
  store::EnrolmentPolicy policy;
  policy.directKeys = {{kCse, "SAEF"}};
  for (const std::string id : {kEnrolee, "ae2.test.example", "ae3.test.example"}) d.addEnrolee(id, policy);
  d.startMef(kCoapsListener);
  const auto https = d.mefUrl();
  d.useMef("coaps://" + d.waitForMefReadyFile("mef.ready.coaps"));
  auto targetUrl = d.startTarget(kCse);
  d.useMef(https);  // the Enrolees enrol over HTTPS
  for (const std::string id : {kEnrolee, "ae2.test.example"}) {
    ASSERT_EQ(d.enrol(id).exitCode, 0);
    auto connected = d.connect(id, targetUrl, kCse, {"--path", "/whoami"});
    ASSERT_EQ(connected.exitCode, 0) << connected.err << d.targetLog(kCse) << d.mefLog();
    EXPECT_NE(connected.out.find(id), std::string::npos) << connected.out;
  }
  const auto log = d.mefLog();
  EXPECT_NE(log.find("CoAP GET /fetchCredentials/"), std::string::npos) << log;
  // One DTLS session of the target's KreId for both fetches (the own enrolment's is a Kpm session).
  const std::string reauth = ": reauth as '" + std::string(kCse) + "'";
  std::size_t reauthSessions = 0;
  for (auto at = log.find(reauth); at != std::string::npos; at = log.find(reauth, at + 1)) ++reauthSessions;
  EXPECT_EQ(reauthSessions, 1u) << log;

  ASSERT_EQ(d.enrol("ae3.test.example").exitCode, 0);
  d.store().setEnroleeEnabled("ae3.test.example", false);
  auto refused = d.connect("ae3.test.example", targetUrl, kCse, {"--path", "/whoami"});
  EXPECT_NE(refused.exitCode, 0) << refused.out;
  EXPECT_NE(d.targetLog(kCse).find("MEF Key Retrieval refused (4."), std::string::npos) << d.targetLog(kCse);
  EXPECT_NE(d.mefLog().find("CoAP GET /fetchCredentials/"), d.mefLog().rfind("CoAP GET /fetchCredentials/"));
}

// Re-keying (seed 8.3.3.2) over CoAPS: `rspf enrol --reauth` on a credential file enrolled over CoAPS
// opens a DTLS-PSK session with KreId/Kre; the replaced KreId no longer opens one.
TEST(RekeyOverCoaps, ReauthRekeysOverDtlsAndTheReplacedKreIdIsRefused) {
  LoopbackDeployment d;
  store::EnrolmentPolicy policy;
  policy.directKeys = {{kCse, "SAEF"}};
  d.addEnrolee(kEnrolee, policy);
  d.startMef(kCoapsListener);
  auto coaps = "coaps://" + d.waitForMefReadyFile("mef.ready.coaps");
  ASSERT_EQ(enrolOverCoaps(d, coaps, kEnrolee).exitCode, 0) << d.mefLog();
  const auto first = *d.store().findEnrolmentKeyOf(kEnrolee);
  const auto firstFile = d.dir() / "first.json";
  std::filesystem::copy_file(d.credentialFile(kEnrolee), firstFile);
  std::filesystem::copy_file(d.credentialFile(kEnrolee).string() + ".key", firstFile.string() + ".key");

  auto r = d.rspf({"enrol", "--credentials", d.credentialFile(kEnrolee).string(), "--reauth"});
  ASSERT_EQ(r.exitCode, 0) << r.err << d.mefLog();
  auto key = d.store().findEnrolmentKeyOf(kEnrolee);
  ASSERT_TRUE(key);
  EXPECT_NE(key->relativeKeId, first.relativeKeId);
  EXPECT_EQ(key->framework, "reauth");
  EXPECT_NE(d.mefLog().find("CoAP POST /enrolment/exchange -> 200 (reauth '" + std::string(kEnrolee) + "')"),
            std::string::npos)
      << d.mefLog();

  auto replaced = d.rspf({"enrol", "--credentials", firstFile.string(), "--reauth"});
  EXPECT_NE(replaced.exitCode, 0) << replaced.out;
  EXPECT_NE(replaced.err.find("DTLS handshake"), std::string::npos) << replaced.err;
  EXPECT_EQ(d.store().findEnrolmentKeyOf(kEnrolee)->relativeKeId, key->relativeKeId);
}

TEST(BundleOverCoaps, ABundleNamingACoapsMefIsEnrolledWithOverDtls) {
  LoopbackDeployment d;
  store::EnrolmentPolicy policy;
  policy.directKeys = {{kCse, "SAEF"}};
  d.addEnrolee(kEnrolee, policy);
  d.startMef(kCoapsListener + "configuration_key = \"config.key\"\n");
  auto coaps = "coaps://" + d.waitForMefReadyFile("mef.ready.coaps");
  auto admin = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"admin", "--config", (d.dir() / "mef.toml").string()});
    return d.rspf(args);
  };
  auto init = admin({"config-key", "init", "--json"});
  ASSERT_EQ(init.exitCode, 0) << init.err;
  auto signer = d.dir() / "config-key.pub.pem";
  std::ofstream(signer) << nlohmann::json::parse(init.out)["publicKey"].get<std::string>();
  auto bundle = d.dir() / "ae1.bundle.json";
  auto exported = admin({"enrolee", "bundle", kEnrolee, "--out", bundle.string(), "--mef-uri", coaps});
  ASSERT_EQ(exported.exitCode, 0) << exported.err;

  // No --mef: the bundle's coaps:// URI is the binding the Enrolee enrols on.
  auto enrolled = d.rspf({"enrol", "--bundle", bundle.string(), "--bundle-signer", signer.string(), "--kpm-file",
                          d.kpmFile(kEnrolee).string(), "--credentials", d.credentialFile(kEnrolee).string()});
  ASSERT_EQ(enrolled.exitCode, 0) << enrolled.err << d.mefLog();
  EXPECT_TRUE(d.store().findEnrolmentKeyOf(kEnrolee));
  EXPECT_NE(d.mefLog().find("CoAP POST /enrolment/exchange -> 200"), std::string::npos) << d.mefLog();
  auto saved = enrolee::CredentialFile{d.credentialFile(kEnrolee), std::nullopt}.load();
  EXPECT_EQ(saved.mefUrl, coaps);
}

}  // namespace
}  // namespace rspf::testing
