// The Certificate-Based framework for the other registration information of TS-0003 8.1.2.4, with
// keys and certificates made by the openssl command line (not by rspf): a device certificate that
// chains to the trust anchor registered with its device ID, and a raw public key registered by its
// RFC 6920 ni name (computed here with openssl, independently of the code under test). Enrolees are
// registered with `rspf admin enrolee add`; `openssl s_client` runs the handshake and the Enrolment
// Exchange.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "support/loopback_deployment.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kDeviceId = "1.3.6.1.4.1.32473.99.1";

class RegisteredKeyBootstrap : public ::testing::Test {
 protected:
  void SetUp() override {
    d.createCertificateAuthority({"test.example"}, {".test.example"});
    d.startMef();
    std::ofstream(path("mef-ca.pem")) << d.certificateAuthority().certificatePem();
  }

  std::string path(const std::string& name) const { return (d.dir() / name).string(); }

  ProcessResult sh(const std::string& command) {
    return runProcess({"sh", "-c", "cd " + d.dir().string() + " && " + command});
  }

  // A CA of a device maker (not the MEF's), and a device certificate it signs naming `subjectAltName`.
  void makeDeviceCa(const std::string& name) {
    ASSERT_EQ(sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + name + ".key -out " +
                 name + ".pem -subj /CN=" + name +
                 " -days 30 -addext basicConstraints=critical,CA:TRUE "
                 "-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null")
                  .exitCode,
              0);
  }
  void makeDeviceCertificate(const std::string& name, const std::string& ca, const std::string& subjectAltName) {
    std::ofstream(path(name + ".ext")) << "subjectAltName=" << subjectAltName
                                       << "\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n";
    ASSERT_EQ(sh("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + name + ".key -out " +
                 name + ".csr -subj /serialNumber=" + name + " 2>/dev/null && openssl x509 -req -in " + name +
                 ".csr -CA " + ca + ".pem -CAkey " + ca + ".key -CAcreateserial -days 30 -extfile " + name +
                 ".ext -out " + name + ".pem 2>/dev/null")
                  .exitCode,
              0);
  }
  // A key and a self-signed certificate carrying it: how OpenSSL 3.0 presents a raw public key.
  std::string makeRawKey(const std::string& name) {
    EXPECT_EQ(sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + name + ".key -out " +
                 name + ".pem -subj /CN=" + name + " -days 1 2>/dev/null")
                  .exitCode,
              0);
    auto ni = sh("openssl pkey -in " + name +
                 ".key -pubout -outform DER | openssl dgst -sha256 -binary | "
                 "openssl base64 -A | tr '+/' '-_' | tr -d '='");
    return "ni:///sha-256;" + ni.out;
  }

  ProcessResult admin(std::vector<std::string> args) {
    args.insert(args.begin(), {"admin", "--store", path("mef.db"), "--kek-file", path("kek")});
    return d.rspf(args);
  }

  ProcessResult sClient(const std::string& name) {
    const std::string body = R"({"certificateEnrolment":false})";
    std::string request =
        "POST /enrolment/exchange HTTP/1.1\r\nHost: mef.test.example\r\nContent-Type: application/json\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    return runProcess(
        {"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(d.mefPort()), "-tls1_2", "-cert",
         path(name + ".pem"), "-key", path(name + ".key"), "-CAfile", path("mef-ca.pem"), "-servername",
         "mef.test.example", "-verify_hostname", "mef.test.example", "-verify_return_error", "-ign_eof"},
        request, std::chrono::seconds(15));
  }

  LoopbackDeployment d;
};

TEST_F(RegisteredKeyBootstrap, ADeviceCertificateBootstrapsAgainstTheTrustAnchorRegisteredWithItsDeviceId) {
  makeDeviceCa("maker");
  makeDeviceCertificate("device", "maker", std::string("RID:") + kDeviceId);
  auto added = admin(
      {"enrolee", "add", "dev1.test.example", "--device-id", kDeviceId, "--device-trust-anchor", path("maker.pem")});
  ASSERT_EQ(added.exitCode, 0) << added.err;
  EXPECT_NE(added.out.find(std::string("device-certificate ") + kDeviceId), std::string::npos) << added.out;

  auto r = sClient("device");
  EXPECT_NE(r.out.find("HTTP/1.1 200"), std::string::npos) << r.out << d.mefLog();
  auto key = d.store().findEnrolmentKeyOf("dev1.test.example");
  ASSERT_TRUE(key);
  EXPECT_EQ(key->framework, "certificate");
  EXPECT_NE(r.out.find("\"keId\":\"" + key->relativeKeId + "@mef.test.example\""), std::string::npos) << r.out;
}

// Revocation everywhere (issue 10 item 6): the MEF's [tls] crl applies to device certificates too.
// The maker's CRL is made by `openssl ca`, independently of rspf.
TEST_F(RegisteredKeyBootstrap, ADeviceCertificateListedInTheConfiguredCrlIsRefused) {
  makeDeviceCa("maker");
  makeDeviceCertificate("device", "maker", std::string("RID:") + kDeviceId);
  makeDeviceCertificate("device2", "maker", "RID:1.3.6.1.4.1.32473.99.2");
  ASSERT_EQ(admin({"enrolee", "add", "dev1.test.example", "--device-id", kDeviceId, "--device-trust-anchor",
                   path("maker.pem")})
                .exitCode,
            0);
  ASSERT_EQ(admin({"enrolee", "add", "dev2.test.example", "--device-id", "1.3.6.1.4.1.32473.99.2",
                   "--device-trust-anchor", path("maker.pem")})
                .exitCode,
            0);
  std::ofstream(path("maker-ca.cnf")) << "[ca]\ndefault_ca = maker\n[maker]\ndatabase = maker-index.txt\n"
                                         "crlnumber = maker-crlnumber\ndefault_md = sha256\ndefault_crl_days = 1\n"
                                         "certificate = maker.pem\nprivate_key = maker.key\n";
  ASSERT_EQ(sh("touch maker-index.txt && echo 01 > maker-crlnumber && openssl ca -config maker-ca.cnf -revoke "
               "device.pem 2>/dev/null && openssl ca -config maker-ca.cnf -gencrl -out maker-crl.pem 2>/dev/null")
                .exitCode,
            0);
  d.stopMef();
  d.startMef("\n[tls]\ncrl = \"maker-crl.pem\"");

  auto revoked = sClient("device");
  EXPECT_EQ(revoked.out.find("HTTP/1.1 200"), std::string::npos) << revoked.out;
  EXPECT_NE(d.mefLog().find("device certificate for 'dev1.test.example' refused"), std::string::npos) << d.mefLog();
  EXPECT_FALSE(d.store().findEnrolmentKeyOf("dev1.test.example"));
  // The twin: the maker's other device, not listed, still bootstraps.
  auto other = sClient("device2");
  EXPECT_NE(other.out.find("HTTP/1.1 200"), std::string::npos) << other.out << d.mefLog();
}

TEST_F(RegisteredKeyBootstrap, ADeviceCertificateFromAnotherMakerOrForAnotherDeviceIsRefused) {
  makeDeviceCa("maker");
  makeDeviceCa("rogue");
  makeDeviceCertificate("forged", "rogue", std::string("RID:") + kDeviceId);  // right ID, wrong anchor
  makeDeviceCertificate("other", "maker", "RID:1.3.6.1.4.1.32473.99.2");      // right anchor, wrong ID
  ASSERT_EQ(admin({"enrolee", "add", "dev1.test.example", "--device-id", kDeviceId, "--device-trust-anchor",
                   path("maker.pem")})
                .exitCode,
            0);
  for (const char* name : {"forged", "other"}) {
    auto r = sClient(name);
    EXPECT_EQ(r.out.find("HTTP/1.1 200"), std::string::npos) << name << r.out;
  }
  EXPECT_FALSE(d.store().findEnrolmentKeyOf("dev1.test.example"));
  EXPECT_NE(d.mefLog().find("device certificate for 'dev1.test.example' refused"), std::string::npos) << d.mefLog();
  EXPECT_NE(d.mefLog().find("names 0 registered identities"), std::string::npos) << d.mefLog();
}

TEST_F(RegisteredKeyBootstrap, ARawPublicKeyBootstrapsByItsNiName) {
  auto ni = makeRawKey("rpk");
  // Registered once by its ni name and once from the public key file: both give the same name.
  ASSERT_EQ(admin({"enrolee", "add", "rpk1.test.example", "--raw-public-key", ni}).exitCode, 0);
  ASSERT_EQ(sh("openssl pkey -in rpk.key -pubout -out rpk.pub").exitCode, 0);
  auto duplicate = admin({"enrolee", "add", "rpk2.test.example", "--raw-public-key", path("rpk.pub")});
  EXPECT_NE(duplicate.exitCode, 0);
  EXPECT_NE(duplicate.err.find("already registered"), std::string::npos) << duplicate.err;
  EXPECT_FALSE(d.store().findEnroleeStatus("rpk2.test.example"));  // nothing half-added

  auto shown = admin({"enrolee", "show", "rpk1.test.example", "--json"});
  ASSERT_EQ(shown.exitCode, 0) << shown.err;
  auto j = nlohmann::json::parse(shown.out);
  ASSERT_EQ(j["bootstrapIdentities"].size(), 1u);
  EXPECT_EQ(j["bootstrapIdentities"][0]["value"], ni);

  auto r = sClient("rpk");
  EXPECT_NE(r.out.find("HTTP/1.1 200"), std::string::npos) << r.out << d.mefLog();
  auto key = d.store().findEnrolmentKeyOf("rpk1.test.example");
  ASSERT_TRUE(key);
  EXPECT_EQ(key->framework, "certificate");
}

TEST_F(RegisteredKeyBootstrap, AnotherRawPublicKeyIsRefused) {
  auto ni = makeRawKey("rpk");
  makeRawKey("stranger");
  ASSERT_EQ(admin({"enrolee", "add", "rpk1.test.example", "--raw-public-key", ni}).exitCode, 0);
  auto r = sClient("stranger");
  EXPECT_EQ(r.out.find("HTTP/1.1 200"), std::string::npos) << r.out;
  EXPECT_FALSE(d.store().findEnrolmentKeyOf("rpk1.test.example"));
}

TEST_F(RegisteredKeyBootstrap, MalformedRegistrationsAreRefusedWithAClearError) {
  auto noCredential = admin({"enrolee", "add", "x.test.example"});
  EXPECT_NE(noCredential.err.find("needs a bootstrap credential"), std::string::npos) << noCredential.err;
  auto badNi = admin({"enrolee", "add", "x.test.example", "--raw-public-key", "ni:///sha-256;short"});
  EXPECT_NE(badNi.err.find("not an RFC 6920"), std::string::npos) << badNi.err;
  std::ofstream(path("not-a-cert.pem")) << "hello\n";
  auto badAnchor = admin(
      {"enrolee", "add", "x.test.example", "--device-id", kDeviceId, "--device-trust-anchor", path("not-a-cert.pem")});
  EXPECT_NE(badAnchor.err.find("trust anchor must be one or more PEM certificates"), std::string::npos)
      << badAnchor.err;
  makeDeviceCa("maker");
  auto badId = admin(
      {"enrolee", "add", "x.test.example", "--device-id", "not an id", "--device-trust-anchor", path("maker.pem")});
  EXPECT_NE(badId.exitCode, 0);
  EXPECT_TRUE(d.store().listEnrolees().empty());
}

}  // namespace
}  // namespace rspf::testing
