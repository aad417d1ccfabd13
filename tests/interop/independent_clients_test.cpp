// Interop with TLS clients nobody here wrote: openssl s_client and gnutls-cli run the
// pre-provisioned key bootstrap against `rspf mef`, export the keying material themselves, and
// send the Enrolment Exchange. The KeId/KreId the MEF answers must be what the exported material
// gives, computed here by Python's hmac (independent of the code under test).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <regex>

#include "support/loopback_deployment.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kEnrolee = "ae1.test.example";
const std::string kBody = R"({"certificateEnrolment":false,"mafEnrolment":false})";

std::string httpRequest() {
  return "POST /enrolment/exchange HTTP/1.1\r\nHost: mef.test.example\r\nContent-Type: application/json\r\n"
         "Content-Length: " +
         std::to_string(kBody.size()) + "\r\nConnection: close\r\n\r\n" + kBody;
}

// KreId per PROTOCOL.md 3, computed by Python from the exported material.
std::string pythonKreId(const std::string& exportedHex) {
  auto r = runProcess(
      {"python3", "-c",
       "import hmac,hashlib,sys\n"
       "x=bytes.fromhex(sys.argv[1]); ke=x[16:]\n"
       "m=hmac.new(ke,b'oneM2M Enrolment Key to Re-authentication Key Identifier derivation',hashlib.sha256)\n"
       "print(m.hexdigest()[:32]+'@mef.test.example')",
       exportedHex});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  return r.out.substr(0, r.out.find('\n'));
}

nlohmann::json httpJsonBody(const std::string& out) {
  auto start = out.find("\r\n\r\n");
  EXPECT_NE(start, std::string::npos) << out;
  auto open = out.find('{', start);
  auto close = out.rfind('}');
  return nlohmann::json::parse(out.substr(open, close - open + 1));
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class IndependentClients : public ::testing::Test {
 protected:
  void SetUp() override {
    store::EnrolmentPolicy policy;
    policy.directKeys = {{"cse1.test.example", "SAEF"}};
    kpm = d.addEnrolee(kEnrolee, policy);
    d.startMef();
  }

  void expectEnrolment(const std::string& exportedHex, const nlohmann::json& answer) {
    ASSERT_EQ(exportedHex.size(), 96u);
    EXPECT_EQ(answer["keId"], lower(exportedHex.substr(0, 32)) + "@mef.test.example");
    EXPECT_EQ(answer["kreId"], pythonKreId(exportedHex));
    auto key = d.store().findEnrolmentKeyOf(kEnrolee);
    ASSERT_TRUE(key);
    EXPECT_EQ(key->relativeKeId, lower(exportedHex.substr(0, 32)));
  }

  ProcessResult sClient(std::vector<std::string> extra) {
    std::vector<std::string> args = {"openssl",
                                     "s_client",
                                     "-connect",
                                     "127.0.0.1:" + std::to_string(d.mefPort()),
                                     "-tls1_2",
                                     "-psk_identity",
                                     std::string(kEnrolee) + "-kpm",
                                     "-psk",
                                     kpm,
                                     "-servername",
                                     "mef.test.example",
                                     "-keymatexport",
                                     "EXPORTER-oneM2M-Bootstrap",
                                     "-keymatexportlen",
                                     "48",
                                     "-ign_eof"};
    args.insert(args.end(), extra.begin(), extra.end());
    return runProcess(args, httpRequest(), std::chrono::seconds(15));
  }

  LoopbackDeployment d;
  std::string kpm;
};

TEST_F(IndependentClients, OpensslSClientBootstrapsAndItsExportedKeyMatchesTheKeId) {
  auto r = sClient({});
  ASSERT_EQ(r.exitCode, 0) << r.err << r.out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("Keying material: ([0-9A-Fa-f]+)"))) << r.out;
  EXPECT_NE(r.out.find("HTTP/1.1 200 OK"), std::string::npos) << r.out;
  expectEnrolment(m[1].str(), httpJsonBody(r.out));
}

TEST_F(IndependentClients, OpensslSClientWithTheMandatoryCbcSuite) {
  auto r = sClient({"-cipher", "PSK-AES128-CBC-SHA256"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(r.out.find("Cipher is PSK-AES128-CBC-SHA256"), std::string::npos) << r.out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("Keying material: ([0-9A-Fa-f]+)")));
  expectEnrolment(m[1].str(), httpJsonBody(r.out));
}

TEST_F(IndependentClients, OpensslSClientWithAWrongKeyIsRefusedAndNothingIsStored) {
  kpm = std::string(64, 'b');
  auto r = sClient({});
  EXPECT_EQ(r.out.find("HTTP/1.1 200"), std::string::npos);
  EXPECT_FALSE(d.store().findEnrolmentKeyOf(kEnrolee));
}

TEST_F(IndependentClients, GnutlsCliBootstrapsAndItsExportedKeyMatchesTheKeId) {
  auto r = runProcess({"gnutls-cli", "--pskusername", std::string(kEnrolee) + "-kpm", "--pskkey", kpm, "--priority",
                       "NORMAL:-KX-ALL:+PSK:-VERS-ALL:+VERS-TLS1.2", "--keymatexport", "EXPORTER-oneM2M-Bootstrap",
                       "--keymatexportsize", "48", "--sni-hostname", "mef.test.example", "-p",
                       std::to_string(d.mefPort()), "127.0.0.1"},
                      httpRequest(), std::chrono::seconds(15));
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("Key material: ([0-9A-Fa-f]+)"))) << r.out << r.err;
  EXPECT_NE(r.out.find("HTTP/1.1 200 OK"), std::string::npos) << r.out;
  expectEnrolment(m[1].str(), httpJsonBody(r.out));
}

}  // namespace
}  // namespace rspf::testing
