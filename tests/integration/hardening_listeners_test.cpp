// Issue 9's network-level defects against the real listeners of running `rspf` processes: the MEF
// (its PSK listener, the admin API, the observability listener), the BSF (anonymous Ub clients) and
// an Enrolment Target. Each exact input gets a clear answer (4xx with a JSON error, or a close),
// the process keeps serving others, and nothing changes in the store.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <thread>

#include "admin/administration.hpp"
#include "crypto/encoding.hpp"
#include "enrolee/enrolee_credentials.hpp"
#include "support/gba_deployment.hpp"
#include "support/loopback_deployment.hpp"
#include "support/raw_client.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kEnrolee = "ae1.test.example";
constexpr const char* kTarget = "cse1.test.example";
constexpr const char* kToken = "0123456789abcdef0123456789abcdef-admin";

std::string get(const std::string& path, const std::string& extraHeaders = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: mef.test.example\r\n" + extraHeaders + "\r\n";
}

std::string bearer() { return "Authorization: Bearer " + std::string(kToken) + "\r\n"; }

std::string oversizedTrailer(const std::string& path, const std::string& extraHeaders = "") {
  return "POST " + path + " HTTP/1.1\r\nHost: a\r\n" + extraHeaders +
         "Transfer-Encoding: chunked\r\n\r\n0\r\nX-Trailer: " + std::string(70 * 1024, 'a') + "\r\n\r\n";
}

std::string smuggling(const std::string& path, const std::string& transferEncoding) {
  return "POST " + path + " HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: " + transferEncoding +
         "\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n";
}

// A refusal: 431/400 with a JSON body, or a plain close.
void expectRefused(const std::string& answer, int status, const std::string& what) {
  if (answer.empty()) return;  // closed
  EXPECT_EQ(statusOf(answer), status) << what << ": " << answer.substr(0, 300);
}

// The JSON error body of a 4xx answer (`status`, or any 4xx when 0) parses (no raw bytes that are
// not UTF-8) and says why.
void expectJsonError(const std::string& answer, int status, const std::string& what) {
  if (status == 0) {
    ASSERT_EQ(statusOf(answer) / 100, 4) << what << ": " << answer.substr(0, 300);
  } else {
    ASSERT_EQ(statusOf(answer), status) << what << ": " << answer.substr(0, 300);
  }
  auto body = nlohmann::json::parse(bodyOf(answer), nullptr, false);
  ASSERT_TRUE(body.is_object()) << what << ": " << bodyOf(answer);
  EXPECT_EQ(body["Status"], false) << what;
  EXPECT_FALSE(body["ErrorString"].get<std::string>().empty()) << what;
}

// Everything but the audit log (which records refused requests by design).
std::string storeState(const std::filesystem::path& db) {
  auto r = runProcess({"sqlite3", "-readonly", db.string(),
                       "SELECT * FROM enrolees; SELECT * FROM enrolment_keys; SELECT * FROM targets; "
                       "SELECT * FROM tokens; SELECT * FROM bootstrap_identities; SELECT * FROM issued_certificates;"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  return r.out;
}

class HardeningMefListeners : public ::testing::Test {
 protected:
  void SetUp() override {
    d.createCertificateAuthority({"test.example"});
    kpm = d.addEnrolee(kEnrolee);
    d.addEnrolee("ae2.test.example");
    std::ofstream(d.dir() / "admin.token") << kToken << "\n";
    std::filesystem::permissions(d.dir() / "admin.token",
                                 std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    d.startMef(
        "\n[observability]\nlisten = \"127.0.0.1:0\"\nready_file = \"obs.ready\"\n"
        "\n[admin_api]\nlisten = \"127.0.0.1:0\"\nready_file = \"admin.ready\"\ntoken_file = \"admin.token\"\n");
    observability = portOf(d.waitForMefReadyFile("obs.ready"));
    admin = portOf(d.waitForMefReadyFile("admin.ready"));
    before = storeState(d.dir() / "mef.db");
  }

  static std::uint16_t portOf(const std::string& address) {
    return static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
  }
  RawTls device() const {
    return RawTls{RawTls::Kind::Psk, LoopbackDeployment::kMefFqdn, kEnrolee + std::string("-kpm"), kpm};
  }
  static RawTls anonymous() { return RawTls{RawTls::Kind::ServerAuthOnly, LoopbackDeployment::kMefFqdn, "", ""}; }

  // All three listeners answer, an enrolment succeeds, and the store holds what it held.
  void expectStillServingAndUnchanged() {
    EXPECT_EQ(statusOf(rawExchange(observability, get("/healthz"))), 200) << d.mefLog();
    EXPECT_EQ(statusOf(rawExchange(admin, get("/admin/v1/enrolees"), anonymous())), 401);
    EXPECT_EQ(storeState(d.dir() / "mef.db"), before);
    auto enrolled = d.enrol("ae2.test.example");
    EXPECT_EQ(enrolled.exitCode, 0) << enrolled.err;
  }

  LoopbackDeployment d;
  std::string kpm, before;
  std::uint16_t observability = 0, admin = 0;
};

TEST_F(HardeningMefListeners, AnOversizedChunkedTrailerIsRefusedOnEveryListener) {
  // Without credentials the admin API refuses on the header (401), before any trailer; with them
  // the trailer is read, and bounded.
  expectJsonError(rawExchange(admin, oversizedTrailer("/admin/v1/enrolees"), anonymous()), 401, "admin API");
  expectRefused(rawExchange(admin, oversizedTrailer("/admin/v1/enrolees", bearer()), anonymous()), 431, "admin API");
  expectRefused(rawExchange(observability, oversizedTrailer("/healthz")), 431, "observability");
  expectRefused(rawExchange(d.mefPort(), oversizedTrailer("/enrolment/exchange"), device()), 431, "MEF");
  expectStillServingAndUnchanged();
}

TEST_F(HardeningMefListeners, BytesThatAreNotUtf8GiveAJsonErrorOnEveryListener) {
  std::string cut = std::string(180, 'a') + "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";
  for (const auto& path : {std::string("/\xff"), "/" + cut})
    expectJsonError(rawExchange(d.mefPort(), get(path), device()), 404, "MEF " + path);
  // Key Retrieval asked by an Enrolee (not a target): refused (4xx JSON), whatever the bytes.
  expectJsonError(rawExchange(d.mefPort(), get("/fetchCredentials/\xff\xfe"), device()), 0, "Key Retrieval path");
  expectJsonError(rawExchange(d.mefPort(), get("/fetchCredentials/x", "X-M2M-Origin: \xff\xfe\r\n"), device()), 0,
                  "X-M2M-Origin");
  expectJsonError(rawExchange(admin, get("/admin/v1/enrolees/%FF", bearer()), anonymous()), 404, "admin %FF");
  expectJsonError(rawExchange(admin, get("/admin/v1/enrolees/\xff", bearer()), anonymous()), 404, "admin \\xff");
  expectJsonError(rawExchange(admin, get("/admin/v1/enrolees/" + cut, bearer()), anonymous()), 404, "admin cut");
  EXPECT_EQ(statusOf(rawExchange(observability, get("/\xff"))), 404);
  expectStillServingAndUnchanged();
}

TEST_F(HardeningMefListeners, TransferEncodingOtherThanChunkedIs400AndNoSecondRequest) {
  for (std::string te : {"xchunked", "chunked, identity"}) {
    RawClient c(admin, anonymous());
    ASSERT_TRUE(c.handshake());
    ASSERT_TRUE(c.send(smuggling("/admin/v1/enrolees", te)));
    auto answer = c.receiveResponse(std::chrono::seconds(3));
    answer += c.receive(std::chrono::milliseconds(500));  // a second response would come now
    expectJsonError(answer, 400, "admin " + te);
    EXPECT_EQ(answer.find("HTTP/1.1", 8), std::string::npos) << answer;
    RawClient m(d.mefPort(), device());
    ASSERT_TRUE(m.handshake());
    ASSERT_TRUE(m.send(smuggling("/enrolment/exchange", te)));
    answer = m.receiveResponse(std::chrono::seconds(3));
    answer += m.receive(std::chrono::milliseconds(500));
    expectJsonError(answer, 400, "MEF " + te);
    EXPECT_EQ(answer.find("HTTP/1.1", 8), std::string::npos) << answer;
  }
  EXPECT_EQ(statusOf(rawExchange(observability, smuggling("/healthz", "xchunked"))), 400);
  EXPECT_EQ(d.mefLog().find("/smuggled"), std::string::npos) << "a body ran as a request";
  expectStillServingAndUnchanged();
}

TEST_F(HardeningMefListeners, TheAdminApiRefusesWithoutCredentialsBeforeReadingTheBody) {
  RawClient c(admin, anonymous());
  ASSERT_TRUE(c.handshake());
  // 4 MiB announced, none sent: the 401 comes at once (the body is never buffered).
  ASSERT_TRUE(
      c.send("POST /admin/v1/enrolees HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
             "Content-Length: 4000000\r\n\r\n"));
  auto begin = std::chrono::steady_clock::now();
  auto answer = c.receiveResponse(std::chrono::seconds(3));
  expectJsonError(answer, 401, "no token");
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(2));
  EXPECT_NE(answer.find("WWW-Authenticate: Bearer"), std::string::npos) << answer;
  EXPECT_TRUE(c.closedByPeer(std::chrono::seconds(4)));
  expectStillServingAndUnchanged();
}

TEST(HardeningBsf, AnonymousUbClientsCannotStopTheBsf) {
  LoopbackDeployment d;
  GbaDeployment gba(d);
  ASSERT_EQ(gba.addSubscriber("001010000000001@ims.test.example", "mef.test.example").exitCode, 0);
  gba.start();
  auto port = static_cast<std::uint16_t>(std::stoi(gba.url().substr(gba.url().rfind(':') + 1)));
  RawTls anonymous{RawTls::Kind::ServerAuthOnly, GbaDeployment::kBsfFqdn, "", ""};
  auto subscribers = [&] { return d.rspf({"bsf", "subscriber", "list", "--config", gba.config().string()}).out; };
  auto before = subscribers();

  expectRefused(rawExchange(port, oversizedTrailer("/"), anonymous), 431, "BSF trailer");
  expectJsonError(rawExchange(port, get("/\xff"), anonymous), 404, "BSF \\xff");
  expectJsonError(rawExchange(port, get("/zn/keys?btid=\xff\xfe&nafId=00"), anonymous), 401,
                  "BSF Zn without a certificate");
  expectJsonError(rawExchange(port, smuggling("/", "xchunked"), anonymous), 400, "BSF xchunked");

  EXPECT_EQ(subscribers(), before);
  // Still serving: Ub answers an anonymous client (an IMPI it does not know: refused, nothing stored).
  auto unknown = rawExchange(port,
                             "GET / HTTP/1.1\r\nHost: bsf.test.example\r\nAuthorization: Digest "
                             "username=\"nobody@ims.test.example\", realm=\"bsf.test.example\", nonce=\"\", "
                             "uri=\"/\", response=\"\"\r\n\r\n",
                             anonymous);
  expectJsonError(unknown, 403, "BSF unknown IMPI");
  EXPECT_EQ(subscribers(), before);
}

TEST(HardeningTarget, AnEnroleeCannotStopTheTarget) {
  LoopbackDeployment d;
  d.addTargetIdentity(kTarget);
  store::EnrolmentPolicy policy;
  policy.directKeys = {{kTarget, "SAEF"}};
  policy.enrolmentExpiry = std::chrono::hours(1);
  d.addEnrolee(kEnrolee, policy);
  d.startMef();
  auto url =
      d.startTarget(kTarget, "SAEF", "\n[observability]\nlisten = \"127.0.0.1:0\"\nready_file = \"t-obs.ready\"\n");
  auto port = static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
  ASSERT_EQ(d.enrol(kEnrolee).exitCode, 0);
  auto credentials = enrolee::CredentialFile{d.credentialFile(kEnrolee), std::nullopt}.load();
  auto* key = credentials.findTargetKey(kTarget, std::string("SAEF"));
  ASSERT_NE(key, nullptr);
  RawTls device{RawTls::Kind::Psk, kTarget, credentials.keId, crypto::toHex(key->key.view())};
  std::string obsAddress;
  for (int i = 0; i < 100 && obsAddress.find(':') == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::ifstream(d.dir() / "t-obs.ready") >> obsAddress;
  }
  auto obsPort = static_cast<std::uint16_t>(std::stoi(obsAddress.substr(obsAddress.rfind(':') + 1)));

  expectRefused(rawExchange(port, oversizedTrailer("/whoami"), device), 431, "target trailer");
  expectRefused(rawExchange(obsPort, oversizedTrailer("/healthz")), 431, "target observability trailer");
  expectJsonError(rawExchange(port, get("/\xff"), device), 404, "target \\xff");
  std::string cut = std::string(190, 'a') + "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";
  expectJsonError(rawExchange(port, get("/" + cut), device), 404, "target cut");
  expectJsonError(rawExchange(port, smuggling("/whoami", "chunked, identity"), device), 400, "target TE");

  auto whoami = rawExchange(port, get("/whoami"), device);
  EXPECT_EQ(statusOf(whoami), 200) << whoami << d.targetLog(kTarget);
  EXPECT_EQ(statusOf(rawExchange(obsPort, get("/healthz"))), 200);
}

}  // namespace
}  // namespace rspf::testing
