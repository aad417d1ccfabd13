// SIGHUP and SIGTERM on the real servers (issue 13 item 3, issue 10 item 1): a MEF whose certificate
// comes from files serves the new certificate to new handshakes after SIGHUP, keeps the old one (with
// an error line) when the new files do not load, and warns of a coming expiry; SIGHUP no longer ends
// a role; [log] level is re-read; SIGTERM lets a request in flight finish before the MEF exits.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <regex>
#include <thread>

#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "support/loopback_deployment.hpp"
#include "support/test_paths.hpp"

namespace rspf::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kTarget = "cse1.test.example";

// Waits until the file holds `text` (the server logs asynchronously to the signal).
bool logShows(const std::filesystem::path& file, const std::string& text, std::chrono::milliseconds within = 5s) {
  auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(file);
    std::string all((std::istreambuf_iterator<char>(in)), {});
    if (all.find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

// The serial of the certificate the server at `address` presents, as openssl prints it. The admin
// API's listener completes a handshake without a client certificate, and (without files of its
// own) serves the MEF's current certificate.
std::string presentedSerial(const std::string& address) {
  auto r =
      runProcess({"sh", "-c",
                  "openssl s_client -connect " + address +
                      " -servername mef.test.example -tls1_2 </dev/null 2>/dev/null | openssl x509 -noout -serial"});
  return r.out;
}

class Reload : public ::testing::Test {
 protected:
  void SetUp() override { d.createCertificateAuthority({".test.example"}); }

  // A MEF certificate from the embedded CA, valid `validity`, written to mef.pem / mef-key.pem.
  std::string issueMefCertificate(std::chrono::hours validity) {
    auto authority = d.certificateAuthority();
    auto key = ca::generateP256Key();
    auto issued = authority.issueServerCertificate(LoopbackDeployment::kMefFqdn, *key, validity);
    ca::saveCertificatesPemFile(d.dir() / "mef.pem.new", {ca::parseCertificate(issued.der).get()});
    std::filesystem::remove(d.dir() / "mef-key.pem.new");
    ca::savePrivateKeyPemFile(d.dir() / "mef-key.pem.new", *key);
    std::filesystem::rename(d.dir() / "mef.pem.new", d.dir() / "mef.pem");
    std::filesystem::rename(d.dir() / "mef-key.pem.new", d.dir() / "mef-key.pem");
    return issued.serialHex;
  }
  void hangUp() { ASSERT_EQ(::kill(d.mefProcess()->pid(), SIGHUP), 0); }
  void startMef() {
    std::ofstream(d.dir() / "admin.token") << std::string(40, 't') << "\n";
    std::filesystem::permissions(d.dir() / "admin.token",
                                 std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    d.startMef(
        "\n[tls]\ncertificate = \"mef.pem\"\nprivate_key = \"mef-key.pem\"\n"
        "[admin_api]\nlisten = \"127.0.0.1:0\"\nready_file = \"admin.ready\"\ntoken_file = \"admin.token\"\n");
    admin = d.waitForMefReadyFile("admin.ready");
  }

  LoopbackDeployment d;
  std::string admin;
};

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

TEST_F(Reload, NewHandshakesGetTheNewCertificateAfterSighup) {
  auto first = issueMefCertificate(24h * 90);
  startMef();
  EXPECT_NE(presentedSerial(admin).find(upper(first)), std::string::npos);
  auto second = issueMefCertificate(24h * 90);
  hangUp();
  EXPECT_TRUE(logShows(d.dir() / "mef.log", "MEF certificate: reloaded")) << d.mefLog();
  EXPECT_TRUE(logShows(d.dir() / "mef.log", "admin API certificate: reloaded")) << d.mefLog();
  EXPECT_TRUE(logShows(d.dir() / "mef.log", "reload done"));
  EXPECT_NE(presentedSerial(admin).find(upper(second)), std::string::npos) << d.mefLog();
  EXPECT_TRUE(d.mefProcess()->running());
}

TEST_F(Reload, ABadNewFileKeepsTheOldCertificateWithAnErrorLine) {
  auto first = issueMefCertificate(24h * 90);
  startMef();
  std::ofstream(d.dir() / "mef.pem", std::ios::trunc) << "-----BEGIN CERTIFICATE-----\nnot base64\n";
  hangUp();
  EXPECT_TRUE(logShows(d.dir() / "mef.log", "reload: MEF certificate: ")) << d.mefLog();
  EXPECT_TRUE(logShows(d.dir() / "mef.log", "(keeping the one in use)")) << d.mefLog();
  EXPECT_TRUE(logShows(d.dir() / "mef.log", "reload done")) << d.mefLog();
  EXPECT_NE(presentedSerial(admin).find(upper(first)), std::string::npos) << d.mefLog();
  EXPECT_TRUE(d.mefProcess()->running());
  // A key that belongs to another certificate is refused too.
  auto other = ca::generateP256Key();
  issueMefCertificate(24h * 90);
  std::filesystem::remove(d.dir() / "mef-key.pem");
  ca::savePrivateKeyPemFile(d.dir() / "mef-key.pem", *other);
  hangUp();
  EXPECT_TRUE(logShows(d.dir() / "mef.log", "the private key does not belong to the certificate")) << d.mefLog();
  EXPECT_NE(presentedSerial(admin).find(upper(first)), std::string::npos);
}

TEST_F(Reload, ACertificateNearItsExpiryIsWarnedOf) {
  issueMefCertificate(24h * 10);
  startMef();
  EXPECT_TRUE(logShows(d.dir() / "mef.log", "MEF certificate: the certificate expires at")) << d.mefLog();
  // Ten days from issuance, give or take the second the certificate was issued in.
  EXPECT_TRUE(logShows(d.dir() / "mef.log", "(in 9 days): renew it and send SIGHUP") ||
              logShows(d.dir() / "mef.log", "(in 10 days): renew it and send SIGHUP"))
      << d.mefLog();
}

TEST_F(Reload, SighupNoLongerEndsATargetAndTheLogLevelIsReread) {
  d.addTargetIdentity(kTarget);
  d.startMef();
  auto config = d.dir() / "t.toml";
  auto ready = d.dir() / "t.ready";
  auto write = [&](const std::string& level) {
    std::ofstream(config, std::ios::trunc)
        << "[target]\nid = \"" << kTarget << "\"\nlisten = \"127.0.0.1:0\"\nready_file = \"t.ready\"\n[mef]\nurl = \""
        << d.mefUrl() << "\"\nfqdn = \"mef.test.example\"\nkpm_id = \"" << kTarget << "-kpm\"\nkpm_file = \""
        << d.kpmFile(kTarget).filename().string() << "\"\ncredentials = \"t-own.json\"\n[log]\nlevel = \"" << level
        << "\"\n";
  };
  write("info");
  ChildProcess target({RSPF_BINARY, "target", "--config", config.string()}, d.dir() / "t.log");
  waitForReadyFile(ready, target);
  write("debug");
  ASSERT_EQ(::kill(target.pid(), SIGHUP), 0);
  EXPECT_TRUE(logShows(d.dir() / "t.log", "log level debug")) << d.targetLog("t");
  EXPECT_TRUE(logShows(d.dir() / "t.log", "reload done"));
  write("loud");
  ASSERT_EQ(::kill(target.pid(), SIGHUP), 0);
  EXPECT_TRUE(logShows(d.dir() / "t.log", "reload: the log level from")) << d.targetLog("t");
  EXPECT_TRUE(target.running());
  EXPECT_EQ(target.terminate(), 0);
  EXPECT_TRUE(logShows(d.dir() / "t.log", "Enrolment Target stopped"));
  // Text logs are in UTC with the zone (issue 13 item 6).
  std::ifstream log(d.dir() / "t.log");
  std::string first;
  std::getline(log, first);
  EXPECT_TRUE(std::regex_search(first, std::regex("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z "))) << first;
}

// An approval webhook that answers "approved" after 1.5 s and leaves <ready>.asked when asked.
constexpr const char* kSlowWebhook = R"(import http.server, sys, time
class Slow(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get('Content-Length', 0)))
        open(sys.argv[1] + '.asked', 'w').close()
        time.sleep(1.5)
        body = b'{"approved": true}'
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(('127.0.0.1', 0), Slow)
open(sys.argv[1], 'w').write('127.0.0.1:%d\n' % server.server_port)
server.serve_forever()
)";

TEST(Drain, SigtermLetsARequestInFlightFinish) {
  LoopbackDeployment d;
  store::EnrolmentPolicy policy;
  policy.requireEnrolmentApproval = true;
  d.addEnrolee("ae1.test.example", policy);
  std::ofstream(d.dir() / "webhook.py") << kSlowWebhook;
  auto ready = d.dir() / "webhook.ready";
  ChildProcess webhook({"python3", (d.dir() / "webhook.py").string(), ready.string()}, d.dir() / "webhook.log");
  auto address = waitForReadyFile(ready, webhook);
  d.startMef("\n[approval]\nwebhook = \"http://" + address + "/approve\"\ntimeout_ms = 5000\n");
  ProcessResult enrolment;
  std::thread enrolee([&] { enrolment = d.enrol("ae1.test.example"); });
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!std::filesystem::exists(ready.string() + ".asked") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  ASSERT_EQ(::kill(d.mefProcess()->pid(), SIGTERM), 0);
  enrolee.join();
  EXPECT_EQ(enrolment.exitCode, 0) << enrolment.err << d.mefLog();
  EXPECT_TRUE(d.store().findEnrolmentKeyOf("ae1.test.example"));
  EXPECT_EQ(d.mefProcess()->terminate(), 0);
  EXPECT_TRUE(logShows(d.dir() / "mef.log", "draining 1 request(s) in flight")) << d.mefLog();
  EXPECT_TRUE(logShows(d.dir() / "mef.log", "MEF stopped"));
}

}  // namespace
}  // namespace rspf::testing
