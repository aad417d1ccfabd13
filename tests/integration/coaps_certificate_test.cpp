// The Certificate-Based framework over CoAPS (seed 8.3.2.2; TS-0003 10.2; issue 11): the MEF's CoAPS
// listener offers ECDHE-ECDSA-AES128-CCM8 with its certificate and verifies the Enrolee's by the
// same resolver as over TLS; `rspf enrol --mef coaps://... --cert` verifies the MEF's chain and name
// before it sends anything. libcoap's coap-client over OpenSSL and over GnuTLS (a second DTLS stack)
// enrol with the same certificate. Each negative is refused and changes nothing.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/json_in_output.hpp"
#include "support/loopback_deployment.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kCse = "cse1.test.example";

class CertificateOverCoaps : public ::testing::Test {
 protected:
  void SetUp() override {
    d.createCertificateAuthority({"test.example"}, {".test.example"});
    store::EnrolmentPolicy policy;
    policy.certificate = store::CertificatePolicy{"cse", {"SAEF"}, std::chrono::hours(24 * 30), ""};
    d.addEnrolee(kCse, policy);
    // 127.0.0.2: coap-client 4.3.1 in PKI mode sends SNI "localhost" for a URI host of 127.0.0.1 (and
    // the host itself otherwise); the MEF refuses an SNI that is not its FQDN, and ignores an address.
    d.startMef("listen_coaps = \"127.0.0.2:0\"\n");
    coaps = "coaps://" + d.waitForMefReadyFile("mef.ready.coaps");
    auto r = d.enrol(kCse, {"--certificate"});  // the device certificate, by EST over HTTPS
    ASSERT_EQ(r.exitCode, 0) << r.err;
    first = *d.store().findEnrolmentKeyOf(kCse);
  }

  std::string base() const { return d.credentialFile(kCse).string(); }
  std::string cert() const { return base() + ".certificate.pem"; }
  std::string key() const { return base() + ".certificate-key.pem"; }
  std::string anchors() const { return base() + ".trust-anchors.pem"; }

  ProcessResult byCertificate(const std::string& fqdn, const std::string& trustAnchors, const std::string& certFile,
                              const std::string& keyFile) {
    return d.rspf({"enrol", "--mef", coaps, "--mef-fqdn", fqdn, "--cert", certFile, "--cert-key", keyFile,
                   "--mef-trust-anchors", trustAnchors, "--credentials", (d.dir() / "by-cert.json").string(),
                   "--json"});
  }

  void expectNothingChanged() {
    auto now = d.store().findEnrolmentKeyOf(kCse);
    ASSERT_TRUE(now);
    EXPECT_EQ(now->relativeKeId, first.relativeKeId);
  }

  LoopbackDeployment d;
  std::string coaps;
  store::EnrolmentKey first;
};

TEST_F(CertificateOverCoaps, RspfEnrolBootstrapsByCertificateOverDtlsWithTheEcdsaProfile) {
  auto r = byCertificate(LoopbackDeployment::kMefFqdn, anchors(), cert(), key());
  ASSERT_EQ(r.exitCode, 0) << r.err << d.mefLog();
  auto keId = nlohmann::json::parse(r.out)["keId"].get<std::string>();
  auto stored = d.store().findEnrolmentKeyOf(kCse);
  ASSERT_TRUE(stored);
  EXPECT_EQ(keId, stored->relativeKeId + "@" + LoopbackDeployment::kMefFqdn);
  EXPECT_EQ(stored->framework, "certificate");
  const auto log = d.mefLog();
  EXPECT_NE(log.find("DTLS DTLSv1.2 ECDHE-ECDSA-AES128-CCM8 from"), std::string::npos) << log;
  EXPECT_NE(log.find("CoAP POST /enrolment/exchange -> 200 (certificate '" + std::string(kCse) + "')"),
            std::string::npos)
      << log;
}

// RFC 9148 sren on a DTLS session authenticated by the certificate being renewed (RFC 7030 4.2.2).
TEST_F(CertificateOverCoaps, RenewalBySimplereenrollRunsOnTheCertificatesOwnDtlsSession) {
  auto serialOf = [](const std::string& file) {
    return runProcess({"openssl", "x509", "-in", file, "-noout", "-serial"}).out;
  };
  const auto before = serialOf(cert());
  auto r = d.rspf({"enrol", "--renew", "--mef", coaps, "--mef-fqdn", LoopbackDeployment::kMefFqdn, "--cert", cert(),
                   "--cert-key", key(), "--mef-trust-anchors", anchors()});
  ASSERT_EQ(r.exitCode, 0) << r.err << d.mefLog();
  EXPECT_NE(serialOf(cert()), before);
  EXPECT_EQ(runProcess({"openssl", "verify", "-CAfile", anchors(), cert()}).exitCode, 0);
  EXPECT_EQ(d.store().listIssuedCertificates(kCse).size(), 2u);
  EXPECT_NE(d.mefLog().find("CoAP POST /.well-known/est/simplereenroll -> 20"), std::string::npos) << d.mefLog();
  // The renewed certificate bootstraps over DTLS.
  EXPECT_EQ(byCertificate(LoopbackDeployment::kMefFqdn, anchors(), cert(), key()).exitCode, 0) << d.mefLog();
}

TEST_F(CertificateOverCoaps, AnotherAnchorOrAnotherMefNameIsRefusedBeforeAnythingIsSent) {
  auto dir = d.dir().string();
  runProcess({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
              dir + "/other-ca.key", "-out", dir + "/other-ca.pem", "-subj", "/CN=other CA", "-days", "1"});
  auto untrusted = byCertificate(LoopbackDeployment::kMefFqdn, dir + "/other-ca.pem", cert(), key());
  EXPECT_NE(untrusted.exitCode, 0);
  EXPECT_NE(untrusted.err.find("did not verify"), std::string::npos) << untrusted.err;
  auto otherName = byCertificate("other.test.example", anchors(), cert(), key());
  EXPECT_NE(otherName.exitCode, 0);
  EXPECT_NE(otherName.err.find("DTLS handshake"), std::string::npos) << otherName.err;
  expectNothingChanged();
}

TEST_F(CertificateOverCoaps, ADeviceCertificateFromNoTrustedCaIsRefusedInTheHandshake) {
  auto dir = d.dir().string();
  runProcess({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
              dir + "/rogue.key", "-out", dir + "/rogue.pem", "-subj", "/CN=" + std::string(kCse), "-days", "1"});
  auto r = byCertificate(LoopbackDeployment::kMefFqdn, anchors(), dir + "/rogue.pem", dir + "/rogue.key");
  EXPECT_NE(r.exitCode, 0);
  EXPECT_NE(r.err.find("DTLS handshake"), std::string::npos) << r.err;
  EXPECT_NE(d.mefLog().find("DTLS handshake from"), std::string::npos) << d.mefLog();
  expectNothingChanged();
}

// Clients nobody here wrote: libcoap's coap-client over OpenSSL and over GnuTLS, with the device
// certificate (-c/-j; -n: the client does not check the MEF's name, the MEF checks the client).
class CertificateOverCoapsClients : public CertificateOverCoaps, public ::testing::WithParamInterface<std::string> {};

TEST_P(CertificateOverCoapsClients, EnrolsWithTheDeviceCertificate) {
  auto r = runProcess({GetParam(), "-m", "post", "-c", cert(), "-j", key(), "-n", "-B", "5", "-t", "50", "-e",
                       R"({"certificateEnrolment":false})", coaps + "/enrolment/exchange"},
                      "", std::chrono::seconds(15));
  auto answer = jsonIn(r.out);
  ASSERT_TRUE(answer.is_object()) << r.out << r.err << d.mefLog();
  ASSERT_TRUE(answer.contains("keId")) << r.out;
  auto stored = d.store().findEnrolmentKeyOf(kCse);
  ASSERT_TRUE(stored);
  EXPECT_EQ(answer["keId"], stored->relativeKeId + "@" + LoopbackDeployment::kMefFqdn);
  EXPECT_EQ(stored->framework, "certificate");
}

INSTANTIATE_TEST_SUITE_P(OpensslAndGnutls, CertificateOverCoapsClients,
                         ::testing::Values("coap-client-openssl", "coap-client-gnutls"),
                         [](const auto& info) { return info.param == "coap-client-openssl" ? "openssl" : "gnutls"; });

}  // namespace
}  // namespace rspf::testing
