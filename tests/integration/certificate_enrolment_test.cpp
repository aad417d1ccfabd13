// Certificate Enrolment (seed 8.3.3.3) over a pre-provisioned-key session: `rspf enrol --certificate`
// end to end, CSRs from the independent `openssl req`, and the refusals, each issuing nothing.
#include <gtest/gtest.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <thread>

#include "admin/administration.hpp"
#include "ca/pem.hpp"
#include "crypto/encoding.hpp"
#include "enrolee/enrolee_credentials.hpp"
#include "procedures/certificate_enrolment.hpp"
#include "support/loopback_deployment.hpp"
#include "transport/https/http_codec.hpp"
#include "transport/https/https_client.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kCse = "cse1.test.example";

std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class CertificateEnrolment : public ::testing::Test {
 protected:
  void SetUp() override {
    d.createCertificateAuthority({"test.example"}, {".test.example"});
    store::EnrolmentPolicy policy;
    policy.certificate = store::CertificatePolicy{"cse", {"SAEF"}, std::chrono::hours(24 * 30), ""};
    kpm = d.addEnrolee(kCse, policy);
    d.addEnrolee("plain.test.example");  // no Certificate Enrolment granted
    d.startMef();
  }

  transport::HttpsClient session(const std::string& id, const std::string& kpmHex) {
    auto endpoint = transport::parseHttpsUrl(d.mefUrl());
    return transport::HttpsClient(*endpoint, {LoopbackDeployment::kMefFqdn, false},
                                  {id + "-kpm", crypto::SecretBytes(*crypto::fromHex(kpmHex))});
  }

  static void exchange(transport::HttpsClient& client) {
    auto r = client.request({"POST", "/enrolment/exchange", {}, R"({"certificateEnrolment":true})"});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // The challengePassword from /csrattrs, read with `openssl asn1parse` (independent of our parser).
  std::string challengeOf(transport::HttpsClient& client) {
    auto r = client.request({"GET", "/.well-known/est/csrattrs", {}, ""});
    EXPECT_EQ(r.status, 200) << r.body;
    std::ofstream(d.dir() / "attrs.b64") << r.body;
    auto parsed = runProcess(
        {"sh", "-c", "openssl base64 -d -in " + (d.dir() / "attrs.b64").string() + " | openssl asn1parse -inform DER"});
    auto at = parsed.out.find(":challengePassword");
    EXPECT_NE(at, std::string::npos) << parsed.out;
    auto utf8 = parsed.out.find("UTF8STRING", at);
    if (utf8 == std::string::npos) utf8 = parsed.out.find("PRINTABLESTRING", at);
    auto colon = parsed.out.find(':', utf8);
    return parsed.out.substr(colon + 1, parsed.out.find('\n', colon) - colon - 1);
  }

  // A CSR from `openssl req` (P-256), as EST's base64 body.
  std::string opensslCsr(const std::string& san, const std::string& challenge, const std::string& extra = "") {
    std::ofstream(d.dir() / "req.cnf") << "[req]\nprompt = no\ndistinguished_name = dn\nattributes = attrs\n"
                                          "req_extensions = ext\n[dn]\nCN = x\n[attrs]\nchallengePassword = "
                                       << challenge << "\n[ext]\nsubjectAltName = " << san << "\n"
                                       << extra;
    auto r = runProcess({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                         "-keyout", (d.dir() / "req.key").string(), "-config", (d.dir() / "req.cnf").string(),
                         "-outform", "DER", "-out", (d.dir() / "req.der").string()});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    std::ifstream in(d.dir() / "req.der", std::ios::binary);
    std::string der((std::istreambuf_iterator<char>(in)), {});
    return crypto::toBase64(crypto::asBytes(der));
  }

  transport::HttpResponse simpleEnroll(transport::HttpsClient& client, const std::string& body) {
    return client.request({"POST", "/.well-known/est/simpleenroll", {{"Content-Type", "application/pkcs10"}}, body});
  }

  static std::string errorOf(const transport::HttpResponse& r) {
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    return j.is_object() ? j.value("ErrorString", "") : r.body;
  }

  LoopbackDeployment d;
  std::string kpm;
};

TEST_F(CertificateEnrolment, EnroleeObtainsACertificateThatVerifiesAgainstCacerts) {
  auto r = d.enrol(kCse, {"--certificate", "--json"});
  ASSERT_EQ(r.exitCode, 0) << r.err << d.mefLog();
  auto files = nlohmann::json::parse(r.out)["certificateFiles"];
  std::string cert = files["certificate"], key = files["privateKey"], anchors = files["trustAnchors"];
  struct stat st {};
  ::stat(key.c_str(), &st);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto verify = runProcess({"openssl", "verify", "-CAfile", anchors, cert});
  EXPECT_EQ(verify.exitCode, 0) << verify.out << verify.err;
  auto text = runProcess({"openssl", "x509", "-in", cert, "-noout", "-ext", "subjectAltName,keyUsage"});
  EXPECT_NE(text.out.find("DNS:cse1.test.example"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Digital Signature"), std::string::npos) << text.out;
  auto certKey = runProcess({"openssl", "x509", "-in", cert, "-noout", "-pubkey"});
  auto ownKey = runProcess({"openssl", "pkey", "-in", key, "-pubout"});
  EXPECT_FALSE(certKey.out.empty());
  EXPECT_EQ(certKey.out, ownKey.out);
  auto issued = d.store().listIssuedCertificates(kCse);
  ASSERT_EQ(issued.size(), 1u);
  auto enrolment = d.store().findEnrolmentKeyOf(kCse);
  ASSERT_TRUE(enrolment);
  EXPECT_EQ(enrolment->completedSteps, std::vector<std::string>{"certificateEnrolment"});
}

TEST_F(CertificateEnrolment, InstructionOnlyWhenTheEnroleeSupportsIt) {
  auto client = session(kCse, kpm);
  auto r = client.request({"POST", "/enrolment/exchange", {}, R"({"certificateEnrolment":false})"});
  EXPECT_EQ(r.body.find("certificateEnrolment"), std::string::npos) << r.body;
  auto again = session(kCse, kpm);
  r = again.request({"POST", "/enrolment/exchange", {}, R"({"certificateEnrolment":true})"});
  auto instructions = nlohmann::json::parse(r.body)["instructions"];
  ASSERT_EQ(instructions.size(), 1u);
  EXPECT_EQ(instructions[0]["uri"], "https://mef.test.example/.well-known/est");
  EXPECT_EQ(instructions[0]["usages"], nlohmann::json::array({"SAEF"}));
}

TEST_F(CertificateEnrolment, AnOpensslReqCsrWithTheSessionChallengeIsIssued) {
  auto client = session(kCse, kpm);
  exchange(client);
  auto r = simpleEnroll(client, opensslCsr("DNS:cse1.test.example", challengeOf(client)));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.contentType, transport::kPkcs7CertsOnlyMediaType);
  std::ofstream(d.dir() / "p7.b64") << r.body;
  auto certs = runProcess({"sh", "-c",
                           "openssl base64 -d -in " + (d.dir() / "p7.b64").string() +
                               " | openssl pkcs7 -inform DER -print_certs > " + (d.dir() / "issued.pem").string()});
  ASSERT_EQ(certs.exitCode, 0) << certs.err;
  auto cacerts = client.request({"GET", "/.well-known/est/cacerts", {}, ""});
  std::ofstream(d.dir() / "ca.b64") << cacerts.body;
  runProcess({"sh", "-c",
              "openssl base64 -d -in " + (d.dir() / "ca.b64").string() +
                  " | openssl pkcs7 -inform DER -print_certs > " + (d.dir() / "ca.pem").string()});
  auto verify =
      runProcess({"openssl", "verify", "-CAfile", (d.dir() / "ca.pem").string(), (d.dir() / "issued.pem").string()});
  EXPECT_EQ(verify.exitCode, 0) << verify.out << verify.err << readFile(d.dir() / "issued.pem");
}

TEST_F(CertificateEnrolment, RefusalsIssueNothing) {
  auto client = session(kCse, kpm);
  // Before the Enrolment Exchange.
  auto r = client.request({"GET", "/.well-known/est/csrattrs", {}, ""});
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(errorOf(r).find("Enrolment Exchange"), std::string::npos) << r.body;
  exchange(client);
  auto challenge = challengeOf(client);

  r = simpleEnroll(client, opensslCsr("DNS:cse1.test.example", "not-the-session-password"));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(errorOf(r).find("challengePassword"), std::string::npos) << r.body;

  r = simpleEnroll(client, opensslCsr("DNS:other.test.example", challenge));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(errorOf(r).find("other.test.example"), std::string::npos) << r.body;

  r = simpleEnroll(client, opensslCsr("DNS:cse1.test.example", challenge, "extendedKeyUsage = codeSigning\n"));
  EXPECT_EQ(r.status, 403) << r.body;

  r = simpleEnroll(client, "!!!not base64!!!");
  EXPECT_EQ(r.status, 400) << r.body;

  auto good = crypto::fromBase64(opensslCsr("DNS:cse1.test.example", challenge));
  (*good)[good->size() - 3] ^= 0x55;  // inside the signature
  r = simpleEnroll(client, crypto::toBase64(*good));
  EXPECT_EQ(r.status, 400) << r.body;

  r = simpleEnroll(client, crypto::toBase64(crypto::Bytes(9000, 0x30)));
  EXPECT_EQ(r.status, 413) << r.body;

  r = client.request({"POST", "/.well-known/est/simpleenroll", {{"Content-Type", "text/plain"}}, "x"});
  EXPECT_EQ(r.status, 400);
  r = client.request({"GET", "/.well-known/est/other-label/cacerts", {}, ""});
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(d.store().listIssuedCertificates(kCse).empty());

  // An Enrolee without Certificate Enrolment in its policy.
  auto plainKpm = d.addEnrolee("plain2.test.example");
  auto plain = session("plain2.test.example", plainKpm);
  exchange(plain);
  r = plain.request({"GET", "/.well-known/est/csrattrs", {}, ""});
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(errorOf(r).find("not granted"), std::string::npos) << r.body;
}

TEST_F(CertificateEnrolment, TheChallengeHoldsForOneEnrolmentAcrossSessions) {
  auto first = session(kCse, kpm);
  exchange(first);
  auto challenge = challengeOf(first);
  auto second = session(kCse, kpm);  // a new TLS session, same enrolment (no new exchange)
  auto r = simpleEnroll(second, opensslCsr("DNS:cse1.test.example", challenge));
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(CertificateEnrolment, AChallengeOfAPreviousEnrolmentIsRefused) {
  auto first = session(kCse, kpm);
  exchange(first);
  auto challenge = challengeOf(first);
  auto second = session(kCse, kpm);
  exchange(second);
  auto r = simpleEnroll(second, opensslCsr("DNS:cse1.test.example", challenge));
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_TRUE(d.store().listIssuedCertificates(kCse).empty());
}

}  // namespace
}  // namespace rspf::testing

namespace rspf::testing {
namespace {

TEST_F(CertificateEnrolment, SimplereenrollIsRefusedOnAPreProvisionedKeySession) {
  auto client = session(kCse, kpm);
  exchange(client);
  auto r = client.request({"POST",
                           "/.well-known/est/simplereenroll",
                           {{"Content-Type", "application/pkcs10"}},
                           opensslCsr("DNS:cse1.test.example", challengeOf(client))});
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(errorOf(r).find("current certificate"), std::string::npos) << r.body;
  EXPECT_TRUE(d.store().listIssuedCertificates(kCse).empty());
}

}  // namespace
}  // namespace rspf::testing

#include <openssl/x509.h>

#include "admin/administration.hpp"
#include "ca/pem.hpp"
#include "enrolee/enrolee_credentials.hpp"

namespace rspf::testing {
namespace {

// 8.3.3.6 pre-conditions: a target may authenticate to the MEF for Key Retrieval with a
// certificate registered to its identity.
TEST_F(CertificateEnrolment, ATargetFetchesKeysWithItsCertificate) {
  auto r = d.enrol(kCse, {"--certificate"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  admin::addTarget(d.store(), kCse, "CSE");
  store::EnrolmentPolicy pair;
  pair.directKeys = {{kCse, "SAEF"}};
  d.addEnrolee("ae1.test.example", pair);
  ASSERT_EQ(d.enrol("ae1.test.example").exitCode, 0);
  auto ae1 = enrolee::CredentialFile{d.credentialFile("ae1.test.example"), std::nullopt}.load();

  auto base = d.credentialFile(kCse).string();
  auto certificate = ca::loadCertificateFile(base + ".certificate.pem");
  auto key = ca::loadPrivateKeyFile(base + ".certificate-key.pem");
  ca::X509StorePtr anchors(X509_STORE_new());
  for (auto& a : ca::loadCertificatesFile(base + ".trust-anchors.pem")) X509_STORE_add_cert(anchors.get(), a.get());
  transport::HttpsClient client(*transport::parseHttpsUrl(d.mefUrl()), LoopbackDeployment::kMefFqdn,
                                {certificate.get(), key.get(), anchors.get()});
  auto fetched = client.request({"GET", "/fetchCredentials/" + ae1.keId + "/22", {{"X-M2M-Origin", kCse}}, ""});
  ASSERT_EQ(fetched.status, 200) << fetched.body;
  auto body = nlohmann::json::parse(fetched.body);
  EXPECT_EQ(body["Credential"], crypto::toBase64(ae1.findTargetKey(kCse, "SAEF")->key.view()));
  EXPECT_EQ(body["EnroleeID"], "ae1.test.example");

  auto other =
      client.request({"GET", "/fetchCredentials/" + ae1.keId + "/22", {{"X-M2M-Origin", "ae1.test.example"}}, ""});
  EXPECT_EQ(other.status, 403);
}

}  // namespace
}  // namespace rspf::testing

namespace rspf::testing {
namespace {

// RFC 7030 4.2.3: a policy may hold certificate requests for approval: 202 + Retry-After.
TEST(CertificateApproval, HeldUntilApprovedThenIssued) {
  LoopbackDeployment d;
  d.createCertificateAuthority({"test.example"});
  store::EnrolmentPolicy policy;
  policy.certificate = store::CertificatePolicy{"cse", {"SAEF"}, std::chrono::hours(24), "", true};
  d.addEnrolee(kCse, policy);
  d.startMef("est_retry_after = 1");

  auto held = d.enrol(kCse, {"--certificate"});
  EXPECT_NE(held.exitCode, 0);
  EXPECT_NE(held.err.find("awaits the MEF administrator's approval"), std::string::npos) << held.err;
  EXPECT_TRUE(d.store().listIssuedCertificates(kCse).empty());
  ASSERT_TRUE(d.store().findPendingCertificateRequest(kCse));

  ProcessResult waited;
  std::thread enrol([&] { waited = d.enrol(kCse, {"--certificate", "--approval-wait", "20s"}); });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  auto list = d.rspf({"admin", "--config", (d.dir() / "mef.toml").string(), "ca", "pending", "--json"});
  EXPECT_NE(list.out.find(kCse), std::string::npos) << list.out << list.err;
  auto approved = d.rspf({"admin", "--config", (d.dir() / "mef.toml").string(), "ca", "approve", kCse});
  EXPECT_EQ(approved.exitCode, 0) << approved.err;
  enrol.join();
  EXPECT_EQ(waited.exitCode, 0) << waited.err << d.mefLog();
  EXPECT_EQ(d.store().listIssuedCertificates(kCse).size(), 1u);
  EXPECT_FALSE(d.store().findPendingCertificateRequest(kCse));
  EXPECT_NE(d.mefLog().find("held for approval"), std::string::npos);
}

}  // namespace
}  // namespace rspf::testing

namespace rspf::testing {
namespace {

// EST only when instructed (issue 10 item 3; seed 8.3.3.1 step 5, 8.3.3.3 pre-conditions): an
// enrolment whose exchange did not ask for Certificate Enrolment gets 403 on csrattrs and
// simpleenroll, although the Enrolee's policy grants certificates.
TEST_F(CertificateEnrolment, EstIsRefusedWhenTheExchangeDidNotInstructCertificateEnrolment) {
  auto client = session(kCse, kpm);
  auto r = client.request({"POST", "/enrolment/exchange", {}, R"({"certificateEnrolment":false})"});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.find("certificateEnrolment\",\"uri"), std::string::npos) << r.body;
  r = client.request({"GET", "/.well-known/est/csrattrs", {}, ""});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(errorOf(r).find("did not instruct Certificate Enrolment"), std::string::npos) << r.body;
  r = simpleEnroll(client, opensslCsr("DNS:cse1.test.example", "guessed"));
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(errorOf(r).find("did not instruct Certificate Enrolment"), std::string::npos) << r.body;
  EXPECT_TRUE(d.store().listIssuedCertificates(kCse).empty());

  // The twin: once an exchange instructs it, the same session may enrol.
  exchange(client);
  r = client.request({"GET", "/.well-known/est/csrattrs", {}, ""});
  EXPECT_EQ(r.status, 200) << r.body;
}

}  // namespace
}  // namespace rspf::testing
