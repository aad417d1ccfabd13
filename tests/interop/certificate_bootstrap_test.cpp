// The Certificate-Based framework and EST with clients nobody here wrote: an Enrolee first gets a
// CSE-ID certificate by EST over its pre-provisioned-key session (rspf enrol --certificate), then
// `openssl s_client` bootstraps with that certificate (mutual TLS) and `curl` speaks EST with it.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>
#include <thread>

#include "ca/certificate_request.hpp"
#include "ca/certificate_request_builder.hpp"
#include "ca/embedded_ca.hpp"
#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "procedures/certificate_enrolment.hpp"
#include "support/loopback_deployment.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kCse = "cse1.test.example";

class CertificateBootstrap : public ::testing::Test {
 protected:
  void SetUp() override {
    d.createCertificateAuthority({"test.example"}, {".test.example"});
    store::EnrolmentPolicy policy;
    policy.certificate = store::CertificatePolicy{"cse", {"SAEF"}, std::chrono::hours(24 * 30), ""};
    d.addEnrolee(kCse, policy);
    d.startMef();
    auto r = d.enrol(kCse, {"--certificate"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    base = d.credentialFile(kCse).string();
  }

  std::string cert() const { return base + ".certificate.pem"; }
  std::string key() const { return base + ".certificate-key.pem"; }
  std::string anchors() const { return base + ".trust-anchors.pem"; }
  std::string port() const { return std::to_string(d.mefPort()); }

  ProcessResult sClient(const std::string& certFile, const std::string& keyFile) {
    const std::string body = R"({"certificateEnrolment":false})";
    std::string request =
        "POST /enrolment/exchange HTTP/1.1\r\nHost: mef.test.example\r\nContent-Type: "
        "application/json\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    return runProcess({"openssl",
                       "s_client",
                       "-connect",
                       "127.0.0.1:" + port(),
                       "-tls1_2",
                       "-cert",
                       certFile,
                       "-key",
                       keyFile,
                       "-CAfile",
                       anchors(),
                       "-servername",
                       "mef.test.example",
                       "-verify_hostname",
                       "mef.test.example",
                       "-verify_return_error",
                       "-keymatexport",
                       "EXPORTER-oneM2M-Bootstrap",
                       "-keymatexportlen",
                       "48",
                       "-ign_eof"},
                      request, std::chrono::seconds(15));
  }

  ProcessResult curl(std::vector<std::string> args) {
    std::vector<std::string> all = {"curl",
                                    "-sS",
                                    "--fail-with-body",
                                    "--cert",
                                    cert(),
                                    "--key",
                                    key(),
                                    "--cacert",
                                    anchors(),
                                    "--resolve",
                                    "mef.test.example:" + port() + ":127.0.0.1"};
    all.insert(all.end(), args.begin(), args.end());
    return runProcess(all, "", std::chrono::seconds(15));
  }

  std::string url(const std::string& path) const { return "https://mef.test.example:" + port() + path; }

  LoopbackDeployment d;
  std::string base;
};

TEST_F(CertificateBootstrap, OpensslSClientBootstrapsWithTheEnrolledCertificate) {
  auto r = sClient(cert(), key());
  ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Verify return code: 0 (ok)"), std::string::npos) << r.out;  // the MEF's FQDN certificate
  EXPECT_NE(r.out.find("ECDHE-ECDSA-AES128"), std::string::npos) << r.out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("Keying material: ([0-9A-Fa-f]{96})"))) << r.out;
  std::string relative = m[1].str().substr(0, 32);
  for (auto& c : relative) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto key = d.store().findEnrolmentKeyOf(kCse);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->relativeKeId, relative);
  EXPECT_EQ(key->framework, "certificate");
  EXPECT_NE(r.out.find("\"keId\":\"" + relative + "@mef.test.example\""), std::string::npos) << r.out;
}

TEST_F(CertificateBootstrap, ACertificateFromAnotherCaIsRefused) {
  auto dir = d.dir().string();
  runProcess({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
              dir + "/rogue.key", "-out", dir + "/rogue.pem", "-subj", "/CN=cse1.test.example", "-addext",
              "subjectAltName=DNS:cse1.test.example", "-days", "1"});
  auto before = d.store().findEnrolmentKeyOf(kCse)->relativeKeId;
  auto r = sClient(dir + "/rogue.pem", dir + "/rogue.key");
  EXPECT_EQ(r.out.find("HTTP/1.1 200"), std::string::npos) << r.out;
  EXPECT_EQ(d.store().findEnrolmentKeyOf(kCse)->relativeKeId, before);
  EXPECT_NE(d.mefLog().find("refused"), std::string::npos);
}

TEST_F(CertificateBootstrap, ACertificateNamingNoRegisteredEnroleeIsRefused) {
  // Issued for cse1, then cse1 is removed: the SAN no longer names a registered Enrolee.
  ASSERT_TRUE(d.store().removeEnrolee(kCse));
  auto r = sClient(cert(), key());
  EXPECT_EQ(r.out.find("HTTP/1.1 200"), std::string::npos) << r.out;
  EXPECT_NE(d.mefLog().find("names 0 registered identities"), std::string::npos) << d.mefLog();
}

TEST_F(CertificateBootstrap, CurlSpeaksEstWithTheCertificateAndEveryIssuedCertificateVerifies) {
  auto dir = d.dir().string();
  auto cacerts = curl({"-o", dir + "/cacerts.b64", url("/.well-known/est/cacerts")});
  ASSERT_EQ(cacerts.exitCode, 0) << cacerts.err;
  ASSERT_EQ(runProcess({"sh", "-c",
                        "openssl base64 -d -in " + dir + "/cacerts.b64 | openssl pkcs7 -inform DER " +
                            "-print_certs -out " + dir + "/ca.pem"})
                .exitCode,
            0);

  auto attrs = curl({"-o", dir + "/attrs.b64", url("/.well-known/est/csrattrs")});
  ASSERT_EQ(attrs.exitCode, 0) << attrs.err;
  auto parsed = runProcess({"sh", "-c", "openssl base64 -d -in " + dir + "/attrs.b64 | openssl asn1parse -inform DER"});
  std::smatch m;
  ASSERT_TRUE(std::regex_search(parsed.out, m, std::regex(":challengePassword[\\s\\S]*?STRING\\s*:(\\S+)")))
      << parsed.out;
  std::string challenge = m[1].str();

  std::ofstream(dir + "/req.cnf") << "[req]\nprompt = no\ndistinguished_name = dn\nattributes = attrs\n"
                                     "req_extensions = ext\n[dn]\nCN = cse1.test.example\n[attrs]\nchallengePassword = "
                                  << challenge << "\n[ext]\nsubjectAltName = DNS:cse1.test.example\n";
  ASSERT_EQ(
      runProcess({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                  dir + "/new.key", "-config", dir + "/req.cnf", "-outform", "DER", "-out", dir + "/req.der"})
          .exitCode,
      0);
  ASSERT_EQ(runProcess({"sh", "-c", "openssl base64 -in " + dir + "/req.der -out " + dir + "/req.b64"}).exitCode, 0);
  auto enrolled = curl({"-H", "Content-Type: application/pkcs10", "--data-binary", "@" + dir + "/req.b64", "-o",
                        dir + "/issued.b64", url("/.well-known/est/simpleenroll")});
  ASSERT_EQ(enrolled.exitCode, 0) << enrolled.err;
  ASSERT_EQ(runProcess({"sh", "-c",
                        "openssl base64 -d -in " + dir + "/issued.b64 | openssl pkcs7 -inform DER " +
                            "-print_certs -out " + dir + "/issued.pem"})
                .exitCode,
            0);
  for (const std::string& c : {dir + "/issued.pem", cert()}) {
    auto verify = runProcess({"openssl", "verify", "-CAfile", dir + "/ca.pem", c});
    EXPECT_EQ(verify.exitCode, 0) << c << verify.out << verify.err;
  }
  EXPECT_EQ(d.store().listIssuedCertificates(kCse).size(), 2u);

  // A CSR with a wrong challengePassword is refused with the JSON error body.
  std::ofstream(dir + "/bad.cnf") << "[req]\nprompt = no\ndistinguished_name = dn\nattributes = attrs\n[dn]\nCN = x\n"
                                     "[attrs]\nchallengePassword = wrong-password\n";
  runProcess({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
              dir + "/bad.key", "-config", dir + "/bad.cnf", "-outform", "DER", "-out", dir + "/bad.der"});
  runProcess({"sh", "-c", "openssl base64 -in " + dir + "/bad.der -out " + dir + "/bad.b64"});
  auto refused = curl({"-H", "Content-Type: application/pkcs10", "--data-binary", "@" + dir + "/bad.b64",
                       url("/.well-known/est/simpleenroll")});
  EXPECT_NE(refused.exitCode, 0);
  EXPECT_NE(refused.out.find("challengePassword"), std::string::npos) << refused.out;
  EXPECT_EQ(d.store().listIssuedCertificates(kCse).size(), 2u);
}

}  // namespace
}  // namespace rspf::testing

namespace rspf::testing {
namespace {

TEST_F(CertificateBootstrap, RspfEnrolBootstrapsByCertificateAndChecksTheMefsCertificate) {
  auto byCertificate = [&](const std::string& fqdn, const std::string& trustAnchors) {
    return d.rspf({"enrol", "--mef", d.mefUrl(), "--mef-fqdn", fqdn, "--cert", cert(), "--cert-key", key(),
                   "--mef-trust-anchors", trustAnchors, "--credentials", (d.dir() / "by-cert.json").string(),
                   "--json"});
  };
  auto r = byCertificate("mef.test.example", anchors());
  ASSERT_EQ(r.exitCode, 0) << r.err << d.mefLog();
  auto keId = nlohmann::json::parse(r.out)["keId"].get<std::string>();
  auto stored = d.store().findEnrolmentKeyOf(kCse);
  ASSERT_TRUE(stored);
  EXPECT_EQ(keId, stored->relativeKeId + "@mef.test.example");
  EXPECT_EQ(stored->framework, "certificate");

  // Another FQDN is refused (the MEF checks SNI; the Enrolee would check the certificate's name) ...
  r = byCertificate("other.test.example", anchors());
  EXPECT_NE(r.exitCode, 0);
  EXPECT_NE(r.err.find("server name (SNI)"), std::string::npos) << r.err;
  // ... and chain to the configured anchors.
  auto dir = d.dir().string();
  runProcess({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
              dir + "/other-ca.key", "-out", dir + "/other-ca.pem", "-subj", "/CN=other CA", "-days", "1"});
  r = byCertificate("mef.test.example", dir + "/other-ca.pem");
  EXPECT_NE(r.exitCode, 0);
  EXPECT_NE(r.err.find("did not verify"), std::string::npos) << r.err;
  EXPECT_EQ(d.store().findEnrolmentKeyOf(kCse)->relativeKeId, stored->relativeKeId);
}

}  // namespace
}  // namespace rspf::testing

namespace rspf::testing {
namespace {

TEST_F(CertificateBootstrap, RspfEnrolRenewReplacesKeyAndCertificateBySimplereenroll) {
  auto serialOf = [](const std::string& file) {
    return runProcess({"openssl", "x509", "-in", file, "-noout", "-serial"}).out;
  };
  auto oldSerial = serialOf(cert());
  auto oldPublic = runProcess({"openssl", "pkey", "-in", key(), "-pubout"}).out;
  auto r = d.rspf({"enrol", "--renew", "--mef", d.mefUrl(), "--mef-fqdn", "mef.test.example", "--cert", cert(),
                   "--cert-key", key(), "--mef-trust-anchors", anchors()});
  ASSERT_EQ(r.exitCode, 0) << r.err << d.mefLog();
  EXPECT_NE(serialOf(cert()), oldSerial);
  EXPECT_NE(runProcess({"openssl", "pkey", "-in", key(), "-pubout"}).out, oldPublic);
  EXPECT_EQ(runProcess({"openssl", "verify", "-CAfile", anchors(), cert()}).exitCode, 0);
  EXPECT_EQ(d.store().listIssuedCertificates(kCse).size(), 2u);
  // The renewed certificate bootstraps.
  auto again = sClient(cert(), key());
  EXPECT_NE(again.out.find("HTTP/1.1 200 OK"), std::string::npos) << again.out;
}

// After simplereenroll the superseded certificate is revoked (reason superseded) once
// [mef] superseded_grace has passed (issue 10 item 6): then only the current one bootstraps.
TEST_F(CertificateBootstrap, TheSupersededCertificateStopsBootstrappingAfterTheGrace) {
  d.stopMef();
  d.startMef("superseded_grace = \"2s\"");
  std::filesystem::copy_file(cert(), base + ".old.pem");
  std::filesystem::copy_file(key(), base + ".old-key.pem");
  auto r = d.rspf({"enrol", "--renew", "--mef", d.mefUrl(), "--mef-fqdn", "mef.test.example", "--cert", cert(),
                   "--cert-key", key(), "--mef-trust-anchors", anchors()});
  ASSERT_EQ(r.exitCode, 0) << r.err << d.mefLog();
  auto during = sClient(base + ".old.pem", base + ".old-key.pem");
  EXPECT_NE(during.out.find("HTTP/1.1 200 OK"), std::string::npos) << during.out;
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  auto after = sClient(base + ".old.pem", base + ".old-key.pem");
  EXPECT_EQ(after.out.find("HTTP/1.1 200 OK"), std::string::npos) << after.out;
  EXPECT_NE(d.mefLog().find("revoked (superseded)"), std::string::npos) << d.mefLog();
  auto current = sClient(cert(), key());
  EXPECT_NE(current.out.find("HTTP/1.1 200 OK"), std::string::npos) << current.out;
}

TEST_F(CertificateBootstrap, CurlSimplereenrollNeedsTheSameSubjectAndACertificateSession) {
  auto dir = d.dir().string();
  auto csr = [&](const std::string& name, const std::string& san) {
    std::ofstream(dir + "/" + name + ".cnf") << "[req]\nprompt = no\ndistinguished_name = dn\nreq_extensions = ext\n"
                                                "[dn]\nCN = x\n[ext]\nsubjectAltName = "
                                             << san << "\n";
    runProcess({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                dir + "/" + name + ".key", "-config", dir + "/" + name + ".cnf", "-outform", "DER", "-out",
                dir + "/" + name + ".der"});
    runProcess({"sh", "-c", "openssl base64 -in " + dir + "/" + name + ".der -out " + dir + "/" + name + ".b64"});
    return "@" + dir + "/" + name + ".b64";
  };
  auto same = curl({"-H", "Content-Type: application/pkcs10", "--data-binary", csr("same", "DNS:cse1.test.example"),
                    "-o", dir + "/renewed.b64", url("/.well-known/est/simplereenroll")});
  EXPECT_EQ(same.exitCode, 0) << same.err;
  auto foreign = curl({"-H", "Content-Type: application/pkcs10", "--data-binary",
                       csr("foreign", "DNS:cse9.test.example"), url("/.well-known/est/simplereenroll")});
  EXPECT_NE(foreign.exitCode, 0);
  EXPECT_NE(foreign.out.find("cse9.test.example"), std::string::npos) << foreign.out;
  EXPECT_EQ(d.store().listIssuedCertificates(kCse).size(), 2u);  // EST at set-up + the renewal
}

}  // namespace
}  // namespace rspf::testing

namespace rspf::testing {
namespace {

// With tls.crl configured, a revoked Enrolee certificate no longer bootstraps; others still do.
TEST_F(CertificateBootstrap, ARevokedCertificateIsRefusedWithCrlCheckingOn) {
  auto authority = d.certificateAuthority();
  auto writeCrl = [&](const std::vector<std::string>& serials) {
    auto crl = authority.createCrl(serials, now() + std::chrono::hours(24));
    std::ofstream(d.dir() / "crl.der", std::ios::binary)
        .write(reinterpret_cast<const char*>(crl.data()), static_cast<std::streamsize>(crl.size()));
  };

  writeCrl({});  // nothing revoked: the certificate still bootstraps with checking on
  d.stopMef();
  d.startMef("\n[tls]\ncrl = \"crl.der\"");
  auto ok = sClient(cert(), key());
  EXPECT_NE(ok.out.find("HTTP/1.1 200 OK"), std::string::npos) << ok.out << d.mefLog();

  auto serial = d.store().listIssuedCertificates(kCse).front().serialHex;
  writeCrl({serial});
  d.stopMef();
  d.startMef("\n[tls]\ncrl = \"crl.der\"");
  auto before = d.store().findEnrolmentKeyOf(kCse)->relativeKeId;
  auto refused = sClient(cert(), key());
  EXPECT_EQ(refused.out.find("HTTP/1.1 200"), std::string::npos) << refused.out;
  EXPECT_EQ(d.store().findEnrolmentKeyOf(kCse)->relativeKeId, before);
  EXPECT_NE(d.mefLog().find("CRL checking of Enrolee certificates on"), std::string::npos);
  EXPECT_NE((refused.err + d.mefLog()).find("certificate revoked"), std::string::npos) << refused.err << d.mefLog();
}

}  // namespace
}  // namespace rspf::testing

namespace rspf::testing {
namespace {

// An expired certificate of a registered Enrolee fails path validation in the handshake.
TEST_F(CertificateBootstrap, AnExpiredCertificateIsRefused) {
  auto authority = d.certificateAuthority();
  auto key = ca::generateP256Key();
  ca::CsrAttributes attributes;
  attributes.subjectAltNames = {ca::subjectAltNameFor(kCse, ca::SubjectType::CseId)};
  auto request = ca::CertificateRequest::fromDer(ca::buildCertificateRequest(*key, kCse, attributes));
  auto issued =
      authority.issue(request, {kCse, ca::SubjectType::CseId, {ca::KeyPurpose::ClientAuth}, std::chrono::seconds(1)});
  auto dir = d.dir().string();
  ca::saveCertificatesPemFile(dir + "/short.pem", {ca::parseCertificate(issued.der).get()});
  ca::savePrivateKeyPemFile(dir + "/short.key", *key);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));

  auto before = d.store().findEnrolmentKeyOf(kCse)->relativeKeId;
  auto r = sClient(dir + "/short.pem", dir + "/short.key");
  EXPECT_EQ(r.out.find("HTTP/1.1 200"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("certificate expired"), std::string::npos) << r.err;
  EXPECT_NE(d.mefLog().find("client certificate: certificate has expired"), std::string::npos) << d.mefLog();
  EXPECT_EQ(d.store().findEnrolmentKeyOf(kCse)->relativeKeId, before);
}

}  // namespace
}  // namespace rspf::testing

namespace rspf::testing {
namespace {

// `rspf admin ca revoke` takes effect at the running MEF at once (it reads the store), and
// `rspf admin ca crl` publishes the revocation in a CRL that `openssl verify` honours.
TEST_F(CertificateBootstrap, AnAdministratorsRevocationIsEnforcedAtOnceAndPublishedInTheCrl) {
  auto dir = d.dir().string();
  auto admin = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"admin", "--store", dir + "/mef.db", "--kek-file", dir + "/kek"});
    return d.rspf(args);
  };
  ASSERT_NE(sClient(cert(), key()).out.find("HTTP/1.1 200"), std::string::npos);
  auto serialOut = runProcess({"openssl", "x509", "-in", cert(), "-noout", "-serial"});
  ASSERT_EQ(serialOut.exitCode, 0);
  std::string serial = serialOut.out.substr(serialOut.out.find('=') + 1);
  serial.erase(serial.find_last_not_of("\r\n") + 1);  // openssl prints it in upper case: accepted as is

  auto badReason = admin({"ca", "revoke", serial, "--reason", "boredom"});
  EXPECT_NE(badReason.exitCode, 0);
  EXPECT_NE(badReason.err.find("revocation reason must be one of"), std::string::npos) << badReason.err;
  EXPECT_FALSE(d.store().listIssuedCertificates(kCse).front().revokedAt);
  auto unknown = admin({"ca", "revoke", "0123456789abcdef"});
  EXPECT_NE(unknown.exitCode, 0);
  EXPECT_NE(unknown.err.find("no certificate with serial number"), std::string::npos) << unknown.err;

  auto revoked = admin({"ca", "revoke", serial, "--reason", "keyCompromise"});
  ASSERT_EQ(revoked.exitCode, 0) << revoked.err;
  auto again = admin({"ca", "revoke", serial});
  EXPECT_NE(again.exitCode, 0);
  EXPECT_NE(again.err.find("already revoked"), std::string::npos) << again.err;

  auto before = d.store().findEnrolmentKeyOf(kCse)->relativeKeId;
  auto refused = sClient(cert(), key());
  EXPECT_EQ(refused.out.find("HTTP/1.1 200"), std::string::npos) << refused.out;
  EXPECT_EQ(d.store().findEnrolmentKeyOf(kCse)->relativeKeId, before);
  EXPECT_NE(d.mefLog().find("revoked (keyCompromise)"), std::string::npos) << d.mefLog();
  // The device is told why (issue 13 item 6): alert certificate_revoked, in words.
  EXPECT_NE(refused.err.find("certificate revoked"), std::string::npos) << refused.err;
  auto enrol = d.rspf({"enrol", "--mef", d.mefUrl(), "--mef-fqdn", LoopbackDeployment::kMefFqdn, "--cert", cert(),
                       "--cert-key", key(), "--mef-trust-anchors", anchors(), "--credentials", dir + "/revoked.json"});
  EXPECT_EQ(enrol.exitCode, 1);
  EXPECT_NE(enrol.err.find("the server refused this client certificate: it has been revoked"), std::string::npos)
      << enrol.err;
  EXPECT_NE(admin({"ca", "issued", kCse}).out.find("REVOKED (keyCompromise)"), std::string::npos);

  auto crl = admin({"ca", "crl", "--out", dir + "/crl.pem"});
  ASSERT_EQ(crl.exitCode, 0) << crl.err;
  auto text = runProcess({"openssl", "crl", "-in", dir + "/crl.pem", "-noout", "-text"});
  EXPECT_NE(text.out.find("Serial Number: " + serial), std::string::npos) << text.out;
  auto verified =
      runProcess({"openssl", "verify", "-crl_check", "-CAfile", anchors(), "-CRLfile", dir + "/crl.pem", cert()});
  EXPECT_NE(verified.exitCode, 0);
  EXPECT_NE((verified.out + verified.err).find("certificate revoked"), std::string::npos)
      << verified.out << verified.err;
}

}  // namespace
}  // namespace rspf::testing
