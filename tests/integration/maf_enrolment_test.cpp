// Remote MAF Enrolment (seed 8.3.3.4; 8.3.3.1 steps 7-8) and the MAF as Enrolment Target (8.3.3.6)
// with real processes on loopback: `rspf mef`, `rspf maf`, `rspf enrol --maf`, `rspf maf-connect`,
// and the negative twin of each path.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <thread>

#include "admin/administration.hpp"
#include "ca/pem.hpp"
#include "common/error.hpp"
#include "crypto/encoding.hpp"
#include "crypto/primitives.hpp"
#include "enrolee/remote_maf_enrolment.hpp"
#include "support/loopback_deployment.hpp"
#include "transport/https/https_client.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kMaf = "maf.test.example";
constexpr const char* kEnrolee = "ae1.test.example";

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class MafEnrolment : public ::testing::Test {
 protected:
  void SetUp() override {
    d.createCertificateAuthority({"test.example"}, {".test.example"});
    admin::addTarget(d.store(), kMaf, "MAF");
    d.startMef();
    mafUrl = d.startMaf(kMaf);
  }

  store::EnrolmentPolicy mafPolicy(const std::string& credentialType = "symmetric",
                                   std::vector<std::string> usages = {"SAEF"},
                                   std::chrono::seconds expiry = std::chrono::hours(1)) {
    store::EnrolmentPolicy p;
    p.maf = store::MafInstruction{kMaf, mafUrl, credentialType, std::move(usages)};
    p.enrolmentExpiry = expiry;
    return p;
  }

  ProcessResult mafConnect(const std::string& enroleeId, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"maf-connect", "--credentials", d.credentialFile(enroleeId).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return d.rspf(args);
  }

  std::vector<std::string> completedSteps(const std::string& enroleeId) {
    auto key = d.store().findEnrolmentKeyOf(enroleeId);
    return key ? key->completedSteps : std::vector<std::string>{};
  }

  LoopbackDeployment d;
  std::string mafUrl;
};

TEST_F(MafEnrolment, SymmetricEnrolmentAssignsAKmIdUsedAfterwardsAndIsReportedToTheMef) {
  d.addEnrolee(kEnrolee, mafPolicy("symmetric", {"SAEF", "ESPrim"}));
  auto enrolled = d.enrol(kEnrolee, {"--maf", "--json"});
  ASSERT_EQ(enrolled.exitCode, 0) << enrolled.err << d.targetLog(kMaf);
  auto summary = nlohmann::json::parse(enrolled.out);
  auto kmId = summary["mafEnrolment"]["kmId"].get<std::string>();
  // The KmId is the KcId the MEF answered the MAF's Key Retrieval with (issue 10 item 11): the
  // derived key identifier of Km (SUID 21), which the Credential-ID names.
  auto relativeKeId = d.store().findEnrolmentKeyOf(kEnrolee)->relativeKeId;
  EXPECT_EQ(kmId, relativeKeId + "-21@" + LoopbackDeployment::kMefFqdn) << kmId;
  EXPECT_EQ(summary["mafEnrolment"]["usages"], nlohmann::json::array({"SAEF", "ESPrim"}));
  EXPECT_EQ(completedSteps(kEnrolee), std::vector<std::string>{"mafEnrolment"});
  // The MAF fetched Km with SUID 21, authenticated by its certificate.
  EXPECT_TRUE(contains(d.mefLog(), "key retrieval: 'maf.test.example' fetched 11-" + kmId)) << d.mefLog();

  auto saved = enrolee::CredentialFile{d.credentialFile(kEnrolee), std::nullopt}.load();
  ASSERT_NE(saved.findTargetKey(kMaf, "MAF"), nullptr);
  EXPECT_EQ(saved.findTargetKey(kMaf, "MAF")->kmId, kmId);

  // Later handshakes present the KmId.
  auto whoami = mafConnect(kEnrolee);
  ASSERT_EQ(whoami.exitCode, 0) << whoami.err;
  auto who = nlohmann::json::parse(whoami.out);
  EXPECT_EQ(who["enroleeId"], kEnrolee);
  EXPECT_EQ(who["kmId"], kmId);
  EXPECT_EQ(mafConnect(kEnrolee, {"--identity", "kmid", "--use", "ESPrim"}).exitCode, 0);
  EXPECT_EQ(mafConnect(kEnrolee, {"--identity", "keid", "--use", "SAEF"}).exitCode, 0);
}

TEST_F(MafEnrolment, UseOutsideTheAllowedUsagesIsRefused) {
  d.addEnrolee(kEnrolee, mafPolicy("symmetric", {"SAEF"}));
  ASSERT_EQ(d.enrol(kEnrolee, {"--maf"}).exitCode, 0);
  auto refused = mafConnect(kEnrolee, {"--use", "ESData"});
  EXPECT_NE(refused.exitCode, 0);
  EXPECT_TRUE(contains(refused.err, "this MAF may not be used for ESData by 'ae1.test.example' (allowed: SAEF)"))
      << refused.err;
  EXPECT_EQ(mafConnect(kEnrolee, {"--use", "SAEF"}).exitCode, 0);
}

TEST_F(MafEnrolment, ExpiredKmIsRefusedByTheMafAndErased) {
  // 6 s: room for the enrolment and a first connection under the sanitizers before Km expires.
  d.addEnrolee(kEnrolee, mafPolicy("symmetric", {"SAEF"}, std::chrono::seconds(6)));
  const auto enrolled = std::chrono::steady_clock::now();
  ASSERT_EQ(d.enrol(kEnrolee, {"--maf"}).exitCode, 0);
  ASSERT_EQ(mafConnect(kEnrolee).exitCode, 0);
  std::this_thread::sleep_until(enrolled + std::chrono::milliseconds(7100));
  auto byKmId = mafConnect(kEnrolee, {"--even-if-expired"});
  EXPECT_NE(byKmId.exitCode, 0);
  EXPECT_TRUE(contains(byKmId.err, "does not know this PSK identity")) << byKmId.err;
  auto byKeId = mafConnect(kEnrolee, {"--even-if-expired", "--identity", "keid"});
  EXPECT_NE(byKeId.exitCode, 0);
  EXPECT_TRUE(contains(d.targetLog(kMaf), "erased")) << d.targetLog(kMaf);
}

TEST_F(MafEnrolment, UnknownKeIdIsRefused) {
  d.addEnrolee(kEnrolee, mafPolicy());
  ASSERT_EQ(d.enrol(kEnrolee, {"--maf"}).exitCode, 0);
  auto credentials = enrolee::CredentialFile{d.credentialFile(kEnrolee), std::nullopt}.load();
  credentials.keId = crypto::toHex(crypto::randomBytes(16)) + "@" + LoopbackDeployment::kMefFqdn;
  enrolee::MafRequest request;
  request.identity = enrolee::IdentityChoice::KeId;
  request.request = {"GET", "/whoami", {}, ""};
  EXPECT_THROW(enrolee::requestMaf(credentials, request), Error);
  EXPECT_TRUE(contains(d.targetLog(kMaf), "unknown or expired key identifier")) << d.targetLog(kMaf);
}

TEST_F(MafEnrolment, MafNotAuthorizedForTheEnroleeGets403FromTheMef) {
  store::EnrolmentPolicy noMaf;
  noMaf.directKeys = {{"cse1.test.example", "SAEF"}};
  d.addEnrolee("ae2.test.example", noMaf);
  ASSERT_EQ(d.enrol("ae2.test.example").exitCode, 0);
  auto ae2 = enrolee::CredentialFile{d.credentialFile("ae2.test.example"), std::nullopt}.load();

  auto certificate = ca::loadCertificateFile(d.dir() / (std::string(kMaf) + ".pem"));
  auto key = ca::loadPrivateKeyFile(d.dir() / (std::string(kMaf) + "-key.pem"));
  auto anchors = ca::loadTrustStoreFile(d.dir() / "ca.pem");
  transport::HttpsClient client(*transport::parseHttpsUrl(d.mefUrl()), LoopbackDeployment::kMefFqdn,
                                {certificate.get(), key.get(), anchors.get()});
  auto fetched = client.request({"GET", "/fetchCredentials/" + ae2.keId + "/21", {{"X-M2M-Origin", kMaf}}, ""});
  EXPECT_EQ(fetched.status, 403) << fetched.body;
  EXPECT_TRUE(contains(fetched.body, "'maf.test.example' is not authorized for Enrolee 'ae2.test.example'"))
      << fetched.body;
}

TEST_F(MafEnrolment, MafNoLongerRegisteredCannotFetchAndRefusesTheEnrolee) {
  d.addEnrolee(kEnrolee, mafPolicy());
  ASSERT_TRUE(d.store().removeTarget(kMaf));
  auto r = d.enrol(kEnrolee, {"--maf"});
  EXPECT_NE(r.exitCode, 0);
  EXPECT_TRUE(contains(r.err, "Remote MAF Enrolment") || contains(r.err, "PSK identity")) << r.err;
  EXPECT_TRUE(completedSteps(kEnrolee).empty());
  // The Enrolment Key itself was kept: the Enrolee may retry once the MAF is registered again.
  EXPECT_TRUE(std::filesystem::exists(d.credentialFile(kEnrolee)));
}

TEST_F(MafEnrolment, CertificateCredentialTypeUsesTheEstCertificateAndItsUsages) {
  auto policy = mafPolicy("certificate", {"SAEF"});
  policy.certificate = store::CertificatePolicy{"cse", {"SAEF", "MAF"}, std::chrono::hours(24), "", false};
  d.addEnrolee("cse9.test.example", policy);
  auto enrolled = d.enrol("cse9.test.example", {"--certificate", "--maf", "--json"});
  ASSERT_EQ(enrolled.exitCode, 0) << enrolled.err << d.targetLog(kMaf);
  auto summary = nlohmann::json::parse(enrolled.out);
  EXPECT_EQ(summary["mafEnrolment"]["credentialType"], "certificate");
  EXPECT_EQ(summary["mafEnrolment"]["usages"], nlohmann::json::array({"SAEF"}));
  EXPECT_EQ(completedSteps("cse9.test.example"), (std::vector<std::string>{"certificateEnrolment", "mafEnrolment"}));

  auto ok = mafConnect("cse9.test.example", {"--use", "SAEF"});
  EXPECT_EQ(ok.exitCode, 0) << ok.err;
  auto refused = mafConnect("cse9.test.example", {"--use", "ESData"});
  EXPECT_NE(refused.exitCode, 0);
  EXPECT_TRUE(contains(refused.err, "may not be used for ESData")) << refused.err;
}

TEST_F(MafEnrolment, CertificateWithoutTheMafUsageIsRefusedByTheMaf) {
  auto policy = mafPolicy("certificate", {"SAEF"});
  policy.certificate = store::CertificatePolicy{"cse", {"SAEF"}, std::chrono::hours(24), "", false};
  d.addEnrolee("cse8.test.example", policy);
  auto r = d.enrol("cse8.test.example", {"--certificate", "--maf"});
  EXPECT_NE(r.exitCode, 0);
  EXPECT_TRUE(contains(d.targetLog(kMaf), "no MAF EKU")) << d.targetLog(kMaf);
  EXPECT_EQ(completedSteps("cse8.test.example"), std::vector<std::string>{"certificateEnrolment"});
}

}  // namespace
}  // namespace rspf::testing

namespace rspf::testing {
namespace {

// State that survives a restart (issue 10 item 8): the KmId is the MEF's KcId, which the restarted
// MAF resolves through the MEF again; a KmId a MAF no longer knows makes `maf-connect --identity
// auto` present KeId again and keep the KmId the MAF answers with.
TEST_F(MafEnrolment, AKmIdStillWorksAfterTheMafRestarts) {
  d.addEnrolee(kEnrolee, mafPolicy("symmetric", {"SAEF"}));
  auto enrolled = d.enrol(kEnrolee, {"--maf", "--json"});
  ASSERT_EQ(enrolled.exitCode, 0) << enrolled.err;
  auto kmId = nlohmann::json::parse(enrolled.out)["mafEnrolment"]["kmId"].get<std::string>();

  auto restarted = d.startMaf(kMaf);  // a new process (and port) with nothing in memory
  auto who = mafConnect(kEnrolee, {"--maf", restarted, "--identity", "kmid"});
  ASSERT_EQ(who.exitCode, 0) << who.err << d.targetLog(kMaf);
  EXPECT_EQ(nlohmann::json::parse(who.out)["kmId"], kmId);

  // A KmId this MAF never assigned (as after the restart of a MAF with random KmIds).
  enrolee::CredentialFile file{d.credentialFile(kEnrolee), std::nullopt};
  auto c = file.load();
  c.findTargetKey(kMaf, "MAF")->kmId = "km-00000000000000000000000000000000@maf.test.example";
  file.save(c);
  auto strict = mafConnect(kEnrolee, {"--maf", restarted, "--identity", "kmid"});
  EXPECT_NE(strict.exitCode, 0);
  auto fallback = mafConnect(kEnrolee, {"--maf", restarted});
  ASSERT_EQ(fallback.exitCode, 0) << fallback.err;
  EXPECT_EQ(file.load().findTargetKey(kMaf, "MAF")->kmId, kmId);
}

}  // namespace
}  // namespace rspf::testing

namespace rspf::testing {
namespace {

// Revocation everywhere (issue 10 item 6): the MAF refreshes the MEF's CRL (GET /crl) every
// crl_refresh and refuses an Enrolee certificate it lists.
TEST_F(MafEnrolment, TheMafRefusesAnEnroleeCertificateRevokedAtTheMef) {
  mafUrl = d.startMaf(kMaf, true, "crl_refresh = \"1s\"\n");
  auto policy = mafPolicy("certificate", {"SAEF"});
  policy.certificate = store::CertificatePolicy{"cse", {"SAEF", "MAF"}, std::chrono::hours(24), "", false};
  d.addEnrolee("cse9.test.example", policy);
  ASSERT_EQ(d.enrol("cse9.test.example", {"--certificate", "--maf"}).exitCode, 0) << d.targetLog(kMaf);
  ASSERT_EQ(mafConnect("cse9.test.example").exitCode, 0);

  auto issued = d.store().listIssuedCertificates("cse9.test.example");
  ASSERT_EQ(issued.size(), 1u);
  ASSERT_TRUE(d.store().revokeCertificate(issued.front().serialHex, "keyCompromise", now()));
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // a refresh of the CRL
  auto refused = mafConnect("cse9.test.example");
  EXPECT_NE(refused.exitCode, 0) << refused.out;
  EXPECT_TRUE(contains(d.targetLog(kMaf), "it is revoked (listed in the CRL)")) << d.targetLog(kMaf);
  EXPECT_TRUE(contains(d.targetLog(kMaf), "CRL refreshed from the MEF")) << d.targetLog(kMaf);
}

// The Enrolee checks the MAF's certificate against a CRL (issue 10 item 6): given with --crl, or the
// MEF's that `rspf enrol` kept (and `maf-connect` refreshes).
TEST_F(MafEnrolment, TheEnroleeRefusesARevokedMafCertificate) {
  auto policy = mafPolicy("certificate", {"SAEF"});
  policy.certificate = store::CertificatePolicy{"cse", {"SAEF", "MAF"}, std::chrono::hours(24), "", false};
  d.addEnrolee("cse9.test.example", policy);
  ASSERT_EQ(d.enrol("cse9.test.example", {"--certificate", "--maf"}).exitCode, 0) << d.targetLog(kMaf);
  EXPECT_TRUE(std::filesystem::exists(d.credentialFile("cse9.test.example").string() + ".crl.der"));
  auto serial =
      runProcess({"openssl", "x509", "-in", (d.dir() / (std::string(kMaf) + ".pem")).string(), "-noout", "-serial"})
          .out;
  serial = serial.substr(serial.find('=') + 1);
  serial.erase(serial.find_last_not_of("\r\n") + 1);
  std::transform(serial.begin(), serial.end(), serial.begin(), [](unsigned char ch) { return std::tolower(ch); });
  auto writeCrl = [&](const std::vector<std::string>& serials, const std::string& name) {
    auto crl = d.certificateAuthority().createCrl(serials, now() + std::chrono::hours(1));
    std::ofstream(d.dir() / name, std::ios::binary)
        .write(reinterpret_cast<const char*>(crl.data()), static_cast<std::streamsize>(crl.size()));
    return (d.dir() / name).string();
  };
  auto refused = mafConnect("cse9.test.example", {"--crl", writeCrl({serial}, "revoked.crl")});
  EXPECT_NE(refused.exitCode, 0) << refused.out;
  EXPECT_TRUE(contains(refused.err, "revoked")) << refused.err;
  EXPECT_EQ(mafConnect("cse9.test.example", {"--crl", writeCrl({}, "empty.crl")}).exitCode, 0);
  EXPECT_EQ(mafConnect("cse9.test.example").exitCode, 0);  // the MEF's kept CRL does not list it
}

}  // namespace
}  // namespace rspf::testing
