// Upstream-CA mode (issue 3 item 5): `rspf ca serve` runs a CA of its own store as an EST server
// (mutual TLS); the MEF forwards the CSRs it vetted to it and relays its answers, including 202 +
// Retry-After while the CA holds a request for its administrator.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <thread>

#include "common/child_process.hpp"
#include "store/key_encryption_key.hpp"
#include "support/loopback_deployment.hpp"
#include "support/test_paths.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kCse = "cse1.test.example";

class UpstreamCa : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return (d.dir() / name).string(); }

  ProcessResult caAdmin(std::vector<std::string> args) {
    args.insert(args.begin(), {"admin", "--store", path("ca.db"), "--kek-file", path("ca.kek")});
    return d.rspf(args);
  }

  // The CA's own store and CA, `rspf ca serve` trusting the MEF's CA for its clients, then the MEF
  // in upstream mode trusting the CA's certificate for the server.
  void start(bool holdForApproval) {
    d.createCertificateAuthority({"test.example"}, {".test.example"});  // the MEF's own certificate
    store::KeyEncryptionKey::generateFile(d.dir() / "ca.kek");
    ASSERT_EQ(caAdmin({"init"}).exitCode, 0);
    auto init = caAdmin({"ca", "init", "--permitted-dns", "test.example", "--permitted-uri", ".test.example"});
    ASSERT_EQ(init.exitCode, 0) << init.err;
    std::ofstream(path("upstream-ca.pem")) << init.out;
    std::ofstream(path("mef-ca.pem")) << d.certificateAuthority().certificatePem();
    std::ofstream(path("ca.toml")) << "[ca]\nfqdn = \"ca.test.example\"\nlisten = \"127.0.0.1:0\"\n"
                                   << "ready_file = \"ca.ready\"\nvalidity = \"30d\"\nretry_after = 1\n"
                                   << "hold_for_approval = " << (holdForApproval ? "true" : "false")
                                   << "\n\n[store]\nsqlite = \"ca.db\"\nkek_file = \"ca.kek\"\n\n"
                                   << "[tls]\nclient_trust_anchors = \"mef-ca.pem\"\n";
    caServer = std::make_unique<ChildProcess>(
        std::vector<std::string>{RSPF_BINARY, "--log-level", "debug", "ca", "serve", "--config", path("ca.toml")},
        d.dir() / "ca.log");
    caAddress = waitForReadyFile(d.dir() / "ca.ready", *caServer);

    store::EnrolmentPolicy policy;
    policy.certificate = store::CertificatePolicy{"cse", {"SAEF"}, std::chrono::hours(24), ""};
    d.addEnrolee(kCse, policy);
    d.startMef("\n[upstream_ca]\nurl = \"https://" + caAddress +
               "\"\nserver_name = \"ca.test.example\"\ntrust_anchors = \"upstream-ca.pem\"\n");
  }

  std::string caLog() const {
    std::ifstream in(d.dir() / "ca.log");
    return {std::istreambuf_iterator<char>(in), {}};
  }

  LoopbackDeployment d;
  std::unique_ptr<ChildProcess> caServer;
  std::string caAddress;
};

TEST_F(UpstreamCa, TheMefForwardsTheVettedCsrAndTheUpstreamCaIssues) {
  start(false);
  auto r = d.enrol(kCse, {"--certificate"});
  ASSERT_EQ(r.exitCode, 0) << r.err << d.mefLog() << caLog();
  const std::string cert = d.credentialFile(kCse).string() + ".certificate.pem";
  // Issued by the upstream CA (not the MEF's), and its trust anchor is what the Enrolee installed.
  auto verified = runProcess({"openssl", "verify", "-CAfile", path("upstream-ca.pem"), cert});
  EXPECT_EQ(verified.exitCode, 0) << verified.out << verified.err;
  EXPECT_NE(runProcess({"openssl", "verify", "-CAfile", path("mef-ca.pem"), cert}).exitCode, 0);
  auto anchors = runProcess({"openssl", "x509", "-in", d.credentialFile(kCse).string() + ".trust-anchors.pem", "-noout",
                             "-fingerprint", "-sha256"});
  auto upstream = runProcess({"openssl", "x509", "-in", path("upstream-ca.pem"), "-noout", "-fingerprint", "-sha256"});
  EXPECT_EQ(anchors.out, upstream.out);
  auto san = runProcess({"openssl", "x509", "-in", cert, "-noout", "-ext", "subjectAltName"});
  EXPECT_NE(san.out.find("DNS:cse1.test.example"), std::string::npos) << san.out;

  // Both record it: the MEF for its Enrolee, the CA in its own store.
  ASSERT_EQ(d.store().listIssuedCertificates(kCse).size(), 1u);
  auto issuedAtCa = caAdmin({"ca", "issued", kCse, "--json"});
  auto j = nlohmann::json::parse(issuedAtCa.out);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["serial"], d.store().listIssuedCertificates(kCse).front().serialHex);
  EXPECT_NE(caLog().find("registration authority 'mef.test.example'"), std::string::npos) << caLog();
  EXPECT_NE(d.mefLog().find("forwarded to the upstream CA"), std::string::npos) << d.mefLog();
}

TEST_F(UpstreamCa, TheUpstreamsHoldIsRelayedAsRetryAfterUntilItsAdministratorApproves) {
  start(true);
  auto held = d.enrol(kCse, {"--certificate"});
  EXPECT_NE(held.exitCode, 0);
  EXPECT_NE(held.err.find("retry after 1 s"), std::string::npos) << held.err;
  EXPECT_TRUE(d.store().listIssuedCertificates(kCse).empty());
  EXPECT_NE(d.mefLog().find("upstream CA holds the certificate request"), std::string::npos) << d.mefLog();

  ProcessResult waited;
  std::thread enrol([&] { waited = d.enrol(kCse, {"--certificate", "--approval-wait", "20s"}); });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  auto approved = caAdmin({"ca", "approve", kCse});
  EXPECT_EQ(approved.exitCode, 0) << approved.err;
  enrol.join();
  EXPECT_EQ(waited.exitCode, 0) << waited.err << d.mefLog() << caLog();
  EXPECT_EQ(d.store().listIssuedCertificates(kCse).size(), 1u);
}

TEST_F(UpstreamCa, TheCaRefusesAClientItDoesNotTrust) {
  start(false);
  // A key and self-signed certificate for the MEF's name, not from the MEF's CA.
  ASSERT_EQ(
      runProcess({"sh", "-c",
                  "cd " + d.dir().string() +
                      " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout rogue.key "
                      "-out rogue.pem -subj /CN=mef.test.example -addext subjectAltName=DNS:mef.test.example "
                      "-days 1 2>/dev/null"})
          .exitCode,
      0);
  auto r = runProcess(
      {"curl", "-sS", "--cert", path("rogue.pem"), "--key", path("rogue.key"), "--cacert", path("upstream-ca.pem"),
       "--resolve", "ca.test.example:" + caAddress.substr(caAddress.rfind(':') + 1) + ":127.0.0.1",
       "https://ca.test.example:" + caAddress.substr(caAddress.rfind(':') + 1) + "/.well-known/est/cacerts"});
  EXPECT_NE(r.exitCode, 0) << r.out;
  EXPECT_NE(caLog().find("client certificate refused"), std::string::npos) << caLog();
}

}  // namespace
}  // namespace rspf::testing
