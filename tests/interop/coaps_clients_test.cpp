// The MEF over CoAPS (PROTOCOL.md 7) with CoAP clients nobody here wrote: libcoap's coap-client over
// OpenSSL and over GnuTLS (a second DTLS stack) run the pre-provisioned key bootstrap and the
// Enrolment Exchange, and a target's MEF Key Retrieval with its KreId/Kre; the negatives are
// refused with a clear answer and change nothing. coap-client exits 0 even when the handshake fails
// (PITFALLS), so its output is what is checked.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <regex>
#include <thread>

#include "admin/administration.hpp"
#include "ca/pem.hpp"
#include "support/json_in_output.hpp"
#include "support/loopback_deployment.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kEnrolee = "ae1.test.example";
constexpr const char* kTarget = "cse1.test.example";
// coap-client takes its key as the argument's bytes (PITFALLS: "-k takes an ASCII key").
constexpr const char* kAsciiKpm = "coaps-interop-kpm-0123456789abcdef";
const std::string kExchange = R"({"certificateEnrolment":true,"mafEnrolment":false})";

class CoapsClients : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    store::EnrolmentPolicy policy;
    policy.directKeys = {{kTarget, "SAEF"}};
    policy.certificate = store::CertificatePolicy{};
    policy.certificate->usages = {"SAEF"};
    admin::addEnrolee(
        d.store(), {kEnrolee, std::string(kEnrolee) + "-kpm", crypto::SecretBytes(crypto::asBytes(kAsciiKpm)), policy});
    d.addTargetIdentity(kTarget);
    d.startMef("listen_coaps = \"127.0.0.1:0\"\n");
    coaps = "coaps://" + d.waitForMefReadyFile("mef.ready.coaps");
  }

  ProcessResult coapClient(const std::string& identity, const std::string& key, const std::string& method,
                           const std::string& path, const std::string& body = "", std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {GetParam(), "-m", method, "-u", identity, "-k", key, "-B", "5"};
    if (!body.empty()) args.insert(args.end(), {"-t", "50", "-e", body});
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(coaps + path);
    return runProcess(args, "", std::chrono::seconds(15));
  }

  // The target's own enrolment over HTTPS, until its Kre has no zero byte (an argv cannot carry one).
  store::EnrolmentKey targetEnrolment() {
    for (int attempt = 0; attempt < 12; ++attempt) {
      auto r = d.enrol(kTarget);
      EXPECT_EQ(r.exitCode, 0) << r.err;
      auto key = d.store().findEnrolmentKeyOf(kTarget);
      if (key && std::find(key->kre.data(), key->kre.data() + key->kre.size(), 0) == key->kre.data() + key->kre.size())
        return std::move(*key);
    }
    ADD_FAILURE() << "no Kre without a zero byte in 12 enrolments";
    return {};
  }

  LoopbackDeployment d;
  std::string coaps;
};

TEST_P(CoapsClients, BootstrapsAndRunsTheEnrolmentExchange) {
  auto r = coapClient(std::string(kEnrolee) + "-kpm", kAsciiKpm, "post", "/enrolment/exchange", kExchange);
  auto answer = jsonIn(r.out);
  ASSERT_TRUE(answer.is_object()) << r.out << r.err;
  auto key = d.store().findEnrolmentKeyOf(kEnrolee);
  ASSERT_TRUE(key);
  EXPECT_EQ(answer["keId"], key->relativeKeId + "@mef.test.example");
  EXPECT_EQ(answer["kreId"], key->kreId);
  // The instruction URIs follow the binding the Enrolee came on (PROTOCOL.md 7).
  ASSERT_TRUE(answer["instructions"].is_array());
  bool est = false;
  for (const auto& i : answer["instructions"])
    if (i["type"] == "certificateEnrolment") {
      est = true;
      EXPECT_EQ(i["uri"], "coaps://mef.test.example/.well-known/est");
    }
  EXPECT_TRUE(est) << answer.dump();
  EXPECT_NE(d.mefLog().find("PSK-AES128-"), std::string::npos) << "the profile's suite, CCM8 or GCM";
}

TEST_P(CoapsClients, AWrongKeyOrAnUnknownIdentityIsRefusedAndNothingIsStored) {
  auto wrong =
      coapClient(std::string(kEnrolee) + "-kpm", "not-the-registered-key", "post", "/enrolment/exchange", kExchange);
  EXPECT_FALSE(jsonIn(wrong.out).is_object()) << wrong.out;
  auto unknown = coapClient("nobody-kpm", kAsciiKpm, "post", "/enrolment/exchange", kExchange);
  EXPECT_FALSE(jsonIn(unknown.out).is_object()) << unknown.out;
  EXPECT_FALSE(d.store().findEnrolmentKeyOf(kEnrolee));
  // libcoap reports a failed DTLS session when it notices, which may be after the client gave up.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (d.mefLog().find("DTLS handshake from") == std::string::npos && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_NE(d.mefLog().find("DTLS handshake from"), std::string::npos) << d.mefLog();
}

TEST_P(CoapsClients, ATargetRetrievesTheKeyWithItsKreIdAndOnlyAsItself) {
  auto exchange = coapClient(std::string(kEnrolee) + "-kpm", kAsciiKpm, "post", "/enrolment/exchange", kExchange);
  auto answer = jsonIn(exchange.out);
  ASSERT_TRUE(answer.is_object()) << exchange.out << exchange.err;
  auto own = targetEnrolment();
  std::string kre(reinterpret_cast<const char*>(own.kre.data()), own.kre.size());
  const std::string path = "/fetchCredentials/" + answer["keId"].get<std::string>() + "/22";

  // The originator in oneM2M-FR (option 279) must be the authenticated identity.
  auto other = coapClient(own.kreId, kre, "get", path, "", {"-O", "279,ae9.test.example"});
  auto refusal = jsonIn(other.out + other.err);
  ASSERT_TRUE(refusal.is_object()) << other.out << other.err;
  EXPECT_EQ(refusal["Status"], false);
  EXPECT_NE(refusal["ErrorString"].get<std::string>().find("not the authenticated identity"), std::string::npos);
  EXPECT_NE((other.out + other.err).find("4.03"), std::string::npos) << other.out << other.err;

  auto r = coapClient(own.kreId, kre, "get", path, "", {"-O", std::string("279,") + kTarget});
  auto credential = jsonIn(r.out);
  ASSERT_TRUE(credential.is_object()) << r.out << r.err;
  EXPECT_EQ(credential["Status"], true);
  EXPECT_EQ(credential["EnroleeID"], kEnrolee);
  EXPECT_FALSE(credential["Credential"].get<std::string>().empty());
  // The same audit entry as over HTTPS.
  bool retrieved = false, refused = false;
  for (int i = 0; i < 100 && !(retrieved && refused); ++i) {
    for (const auto& e : d.store().tailAudit(100)) {
      if (e.action == "key_retrieval" && e.outcome == "success") retrieved = true;
      if (e.action == "key_retrieval" && e.outcome == "forbidden") refused = true;
    }
    if (!(retrieved && refused)) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(retrieved);
  EXPECT_TRUE(refused);
}

INSTANTIATE_TEST_SUITE_P(OpensslAndGnutls, CoapsClients, ::testing::Values("coap-client-openssl", "coap-client-gnutls"),
                         [](const auto& info) { return info.param == "coap-client-openssl" ? "OpenSSL" : "GnuTLS"; });

}  // namespace
}  // namespace rspf::testing

namespace rspf::testing {
namespace {

// rspf's own CoAPS client: `rspf enrol --mef coaps://...` runs the bootstrap and the exchange, and
// its KeId is the MEF's.
TEST(CoapsEnrolee, RspfEnrolOverCoaps) {
  LoopbackDeployment d;
  d.addEnrolee(kEnrolee);
  d.startMef("listen_coaps = \"127.0.0.1:0\"\n");
  auto coaps = "coaps://" + d.waitForMefReadyFile("mef.ready.coaps");
  auto r =
      d.rspf({"enrol", "--mef", coaps, "--mef-fqdn", "mef.test.example", "--kpm-id", std::string(kEnrolee) + "-kpm",
              "--kpm-file", d.kpmFile(kEnrolee).string(), "--credentials", d.credentialFile(kEnrolee).string()});
  ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
  auto key = d.store().findEnrolmentKeyOf(kEnrolee);
  ASSERT_TRUE(key);
  EXPECT_NE(r.out.find(key->relativeKeId), std::string::npos) << r.out;

  auto wrong = d.rspf({"enrol", "--mef", coaps, "--mef-fqdn", "mef.test.example", "--kpm-id", "nobody-kpm",
                       "--kpm-file", d.kpmFile(kEnrolee).string(), "--credentials", (d.dir() / "x.json").string()});
  EXPECT_NE(wrong.exitCode, 0);
  EXPECT_NE(wrong.err.find("DTLS handshake"), std::string::npos) << wrong.err;
}

}  // namespace
}  // namespace rspf::testing

namespace rspf::testing {
namespace {

// A CoAP CON POST /enrolment/exchange, Content-Format 50, as bytes (RFC 7252 3): no byte 0x0a, so
// gnutls-cli sends it as one record.
std::string coapExchangePdu() {
  std::string pdu = {'\x40', '\x02', '\x12', '\x34'};  // ver 1, CON, no token; POST; MID
  pdu += '\xb9' + std::string("enrolment");            // Uri-Path (11), 9 bytes
  pdu += '\x08' + std::string("exchange");             // Uri-Path, 8 bytes
  pdu += std::string{'\x11', '\x32'};                  // Content-Format (12) = 50
  pdu += '\xff' + std::string(R"({"certificateEnrolment":false})");
  return pdu;
}

class CoapsRawPeers : public ::testing::Test {
 protected:
  void SetUp() override {
    kpm = d.addEnrolee(kEnrolee);
    d.startMef("listen_coaps = \"127.0.0.1:0\"\n");
    auto where = d.waitForMefReadyFile("mef.ready.coaps");
    port = where.substr(where.rfind(':') + 1);
  }

  // gnutls-cli over DTLS sends the CoAP request as one record; stdin stays open 2 s for the answer
  // (DTLS has no half-close).
  ProcessResult gnutls(const std::string& priority, const std::string& serverName = "mef.test.example",
                       const std::string& request = coapExchangePdu()) {
    auto pdu = d.dir() / "exchange.coap";
    {
      std::ofstream out(pdu, std::ios::binary);
      out << request;
    }
    std::string command = "(cat '" + pdu.string() + "'; sleep 2) | gnutls-cli --udp --pskusername " + kEnrolee +
                          "-kpm --pskkey " + kpm + " --priority '" + priority +
                          "' --keymatexport EXPORTER-oneM2M-Bootstrap --keymatexportsize 48"
                          " --sni-hostname " +
                          serverName + " -p " + port + " 127.0.0.1";
    return runProcess({"sh", "-c", command}, "", std::chrono::seconds(15));
  }

  // Sends `datagram` to the CoAPS port from Python and prints the first answer's bytes in hex.
  ProcessResult udp(const std::string& datagramHex) {
    return runProcess({"python3", "-c",
                       "import socket,sys\n"
                       "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.settimeout(2)\n"
                       "s.sendto(bytes.fromhex(sys.argv[2]),('127.0.0.1',int(sys.argv[1])))\n"
                       "try:\n  print(s.recv(65535).hex())\nexcept socket.timeout:\n  print('no answer')\n",
                       port, datagramHex},
                      "", std::chrono::seconds(60));  // Python's start is slow on a loaded machine
  }

  LoopbackDeployment d;
  std::string kpm, port;
};

TEST_F(CoapsRawPeers, GnutlsCliOverDtlsWithTheMandatoryCcm8SuiteAndItsExportedKeyIsTheKeId) {
  auto r = gnutls("NORMAL:-VERS-ALL:+VERS-DTLS1.2:-KX-ALL:+PSK:-CIPHER-ALL:+AES-128-CCM-8:-MAC-ALL:+AEAD");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("Key material: ([0-9A-Fa-f]+)"))) << r.out << r.err;
  auto key = d.store().findEnrolmentKeyOf(kEnrolee);
  ASSERT_TRUE(key) << r.out << r.err;
  std::string exported = m[1].str();
  for (auto& c : exported) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(key->relativeKeId, exported.substr(0, 32));  // RelativeKeId = X[0..15], as over TLS
  EXPECT_NE(r.out.find(key->relativeKeId + "@mef.test.example"), std::string::npos) << r.out;
  EXPECT_NE(d.mefLog().find("PSK-AES128-CCM8"), std::string::npos);
}

TEST_F(CoapsRawPeers, AWeakOrNonProfileSuiteIsRefusedAndNothingIsStored) {
  // AES-256 and ChaCha20 suites are outside the profile; so is DTLS 1.0.
  for (const char* priority : {"NORMAL:-VERS-ALL:+VERS-DTLS1.2:-KX-ALL:+PSK:-CIPHER-ALL:+AES-256-GCM",
                               "NORMAL:-VERS-ALL:+VERS-DTLS1.2:-KX-ALL:+PSK:+ECDHE-PSK:-CIPHER-ALL:+CHACHA20-POLY1305",
                               "NORMAL:-VERS-ALL:+VERS-DTLS1.0:-KX-ALL:+PSK"}) {
    auto r = gnutls(priority);
    EXPECT_EQ(r.out.find("Key material:"), std::string::npos) << priority << "\n" << r.out;
  }
  // The profile's suite, but an SNI naming another server.
  auto other = gnutls("NORMAL:-VERS-ALL:+VERS-DTLS1.2:-KX-ALL:+PSK:-CIPHER-ALL:+AES-128-CCM-8:-MAC-ALL:+AEAD",
                      "other.test.example");
  EXPECT_EQ(other.out.find("Key material:"), std::string::npos) << other.out;
  EXPECT_FALSE(d.store().findEnrolmentKeyOf(kEnrolee));
}

TEST_F(CoapsRawPeers, AClientHelloWithoutCookieGetsOnlyAHelloVerifyRequest) {
  // A DTLS 1.2 ClientHello (RFC 6347 4.2.2) with an empty cookie and TLS_PSK_WITH_AES_128_CCM_8.
  std::string body = "fefd" + std::string(64, '1') + "00" + "00" + "0002c0a8" + "0100";
  // Lengths: body 42 bytes (0x2a), handshake header 12 bytes, record 54 (0x36).
  std::string handshake = "01" + std::string("00002a") + "0000" + "000000" + "00002a" + body;
  std::string record = "16" + std::string("feff") + "0000" + "000000000000" + "0036" + handshake;
  auto r = udp(record);
  ASSERT_EQ(r.exitCode, 0) << r.err;
  ASSERT_GE(r.out.size(), 28u) << r.out;
  EXPECT_EQ(r.out.substr(0, 2), "16") << r.out;   // a handshake record ...
  EXPECT_EQ(r.out.substr(26, 2), "03") << r.out;  // ... HelloVerifyRequest (type 3), nothing more
  // No DTLS session was made for it: the MEF saw no handshake (neither accepted nor refused).
  EXPECT_EQ(d.mefLog().find("DTLS handshake from"), std::string::npos);
  EXPECT_FALSE(d.store().findEnrolmentKeyOf(kEnrolee));
}

TEST_F(CoapsRawPeers, GarbageAndOversizedDatagramsAreDroppedAndTheListenerServesOn) {
  EXPECT_NE(udp(std::string(2 * 60000, 'a')).out.find("no answer"), std::string::npos);
  EXPECT_NE(udp("17fefd0000000000000000000500000000ff").out.find("no answer"), std::string::npos);
  auto r = gnutls("NORMAL:-VERS-ALL:+VERS-DTLS1.2:-KX-ALL:+PSK:-CIPHER-ALL:+AES-128-CCM-8:-MAC-ALL:+AEAD");
  EXPECT_NE(r.out.find("Key material:"), std::string::npos) << r.out << r.err;
  EXPECT_TRUE(d.store().findEnrolmentKeyOf(kEnrolee));
}

// A request as bytes over DTLS with the profile's mandatory suite; the answer's bytes in its output.
constexpr const char* kCcm8 = "NORMAL:-VERS-ALL:+VERS-DTLS1.2:-KX-ALL:+PSK:-CIPHER-ALL:+AES-128-CCM-8:-MAC-ALL:+AEAD";

// The exchange's bytes up to its payload marker, with `options` after Content-Format (12).
std::string exchangeWithOptions(const std::string& options) {
  std::string pdu = {'\x40', '\x02', '\x12', '\x35'};
  pdu += '\xb9' + std::string("enrolment");
  pdu += '\x08' + std::string("exchange");
  pdu += std::string{'\x11', '\x32'};
  return pdu + options + '\xff' + std::string(R"({"certificateEnrolment":false})");
}

// The answer's code, no token: piggybacked on the ACK (0x60), or a separate CON response (0x40, RFC
// 7252 5.2.2) after an empty ACK when a worker answers.
bool answeredWith(const std::string& out, std::uint8_t code) {
  return out.find(std::string{'\x60', static_cast<char>(code)}) != std::string::npos ||
         out.find(std::string{'\x40', static_cast<char>(code)}) != std::string::npos;
}

TEST_F(CoapsRawPeers, ABlock1BlockWithoutItsPredecessorsIsRefusedAndNothingIsStored) {
  // Block1 (27, delta 15 from 12: nibble 13 + 2) NUM=1 M=0 SZX=6: the second 1 KiB block, the first never sent.
  auto r = gnutls(kCcm8, "mef.test.example", exchangeWithOptions(std::string{'\xd1', '\x02', '\x16'}));
  EXPECT_TRUE(answeredWith(r.out, 0x88)) << r.out << r.err;  // 4.08 Request Entity Incomplete (RFC 7959 2.3)
  EXPECT_FALSE(d.store().findEnrolmentKeyOf(kEnrolee)) << r.out;
}

TEST_F(CoapsRawPeers, AnUnknownCriticalOptionIsRefused402AndNothingIsStored) {
  // Option 25 (odd: critical, RFC 7252 5.4.1; unassigned): delta 13 from 12.
  auto r = gnutls(kCcm8, "mef.test.example", exchangeWithOptions(std::string{'\xd1', '\x00', 'x'}));
  EXPECT_TRUE(answeredWith(r.out, 0x82)) << r.out << r.err;  // 4.02 Bad Option
  EXPECT_FALSE(d.store().findEnrolmentKeyOf(kEnrolee));
}

TEST_F(CoapsRawPeers, AMalformedOptionGetsNoAnswerAndTheListenerServesOn) {
  // Delta nibble 15 outside the payload marker is a message format error (RFC 7252 3.1).
  auto r = gnutls(kCcm8, "mef.test.example", exchangeWithOptions(std::string{'\xf1', 'x'}));
  EXPECT_FALSE(answeredWith(r.out, 0x44)) << r.out;  // never 2.04 Changed
  EXPECT_FALSE(d.store().findEnrolmentKeyOf(kEnrolee));
  auto next = gnutls(kCcm8);
  EXPECT_TRUE(answeredWith(next.out, 0x44)) << next.out << next.err;
  EXPECT_TRUE(d.store().findEnrolmentKeyOf(kEnrolee));
}

TEST_F(CoapsRawPeers, ABlock1RequestPastTheLimitIsRefused413AndNothingIsStored) {
  auto big = d.dir() / "big.json";
  {
    std::ofstream out(big);
    out << R"({"certificateEnrolment":false,"pad":")" << std::string(20000, 'x') << "\"}";
  }
  // coap-client takes the key as typed: this Enrolee's Kpm is random bytes, so use a text-Kpm Enrolee.
  admin::addEnrolee(d.store(), {"ae2.test.example", "ae2-kpm", crypto::SecretBytes(crypto::asBytes(kAsciiKpm)), {}});
  auto r = runProcess({"coap-client-openssl", "-m", "post", "-u", "ae2-kpm", "-k", kAsciiKpm, "-t", "50", "-b", "1024",
                       "-f", big.string(), "-B", "5", "coaps://127.0.0.1:" + port + "/enrolment/exchange"},
                      "", std::chrono::seconds(20));
  EXPECT_NE((r.out + r.err).find("4.13"), std::string::npos) << r.out << r.err;
  EXPECT_FALSE(d.store().findEnrolmentKeyOf("ae2.test.example"));
}

}  // namespace
}  // namespace rspf::testing

namespace rspf::testing {
namespace {

// Certificate Enrolment over CoAPS: the exchange's instruction names coaps://, and rspf's CoAPS
// client runs EST on the same DTLS session (DER bodies, Content-Formats 281/285/286).
TEST(CoapsEnrolee, CertificateEnrolmentOnTheDtlsSession) {
  LoopbackDeployment d;
  d.createCertificateAuthority({"test.example"}, {".test.example"});
  store::EnrolmentPolicy policy;
  policy.certificate = store::CertificatePolicy{"cse", {"SAEF"}, std::chrono::hours(24), ""};
  d.addEnrolee(kTarget, policy);
  d.startMef("listen_coaps = \"127.0.0.1:0\"\n");
  auto coaps = "coaps://" + d.waitForMefReadyFile("mef.ready.coaps");
  auto r = d.rspf({"enrol", "--mef", coaps, "--mef-fqdn", "mef.test.example", "--kpm-id", std::string(kTarget) + "-kpm",
                   "--kpm-file", d.kpmFile(kTarget).string(), "--credentials", d.credentialFile(kTarget).string(),
                   "--certificate"});
  ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
  auto certificate = ca::loadCertificateFile(d.credentialFile(kTarget).string() + ".certificate.pem");
  ASSERT_TRUE(certificate);
  EXPECT_EQ(d.store().listIssuedCertificates(kTarget).size(), 1u);
}

// RFC 9148 4.1 discovery, from coap-client on an authenticated session.
TEST(CoapsEnrolee, EstCoapsResourcesAreDiscoverable) {
  LoopbackDeployment d;
  admin::addEnrolee(d.store(),
                    {kEnrolee, std::string(kEnrolee) + "-kpm", crypto::SecretBytes(crypto::asBytes(kAsciiKpm)), {}});
  d.startMef("listen_coaps = \"127.0.0.1:0\"\n");
  auto coaps = "coaps://" + d.waitForMefReadyFile("mef.ready.coaps");
  auto r = runProcess({"coap-client-openssl", "-m", "get", "-u", std::string(kEnrolee) + "-kpm", "-k", kAsciiKpm, "-B",
                       "5", coaps + "/.well-known/core"},
                      "", std::chrono::seconds(15));
  for (const char* rt : {"ace.est.crts", "ace.est.att", "ace.est.sen", "ace.est.sren"})
    EXPECT_NE(r.out.find(rt), std::string::npos) << rt << "\n" << r.out << r.err;
}

}  // namespace
}  // namespace rspf::testing

namespace rspf::testing {
namespace {

// The Enrolment Target over CoAPS (PROTOCOL.md 5, 7): `rspf connect --target coaps://...` presents
// the KeId over DTLS-PSK, the target fetches the key from the MEF and admits the Enrolee; a wrong
// Target-ID (SNI and key) is refused.
TEST(CoapsTarget, AnEnroleeConnectsOverDtlsWithItsProvisionedKey) {
  LoopbackDeployment d;
  d.addTargetIdentity(kTarget);
  store::EnrolmentPolicy policy;
  policy.directKeys = {{kTarget, "SAEF"}};
  d.addEnrolee(kEnrolee, policy);
  d.startMef();
  d.startTarget(kTarget, "SAEF", "", "listen_coaps = \"127.0.0.1:0\"");
  std::string where;
  {
    std::ifstream in(d.dir() / (std::string(kTarget) + ".ready.coaps"));
    std::getline(in, where);
  }
  ASSERT_FALSE(where.empty());
  ASSERT_EQ(d.enrol(kEnrolee).exitCode, 0);
  auto r = d.connect(kEnrolee, "coaps://" + where, kTarget, {"--path", "/whoami"});
  ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
  auto whoami = jsonIn(r.out);
  ASSERT_TRUE(whoami.is_object()) << r.out;
  EXPECT_EQ(whoami["enroleeId"], kEnrolee);
  auto rule = d.connect(kEnrolee, "coaps://" + where, kTarget, {"--path", "/serviceSubscribedAppRule"});
  EXPECT_NE(rule.out.find(kEnrolee), std::string::npos) << rule.out << rule.err;

  auto wrong = d.connect(kEnrolee, "coaps://" + where, "cse9.test.example", {"--path", "/whoami"});
  EXPECT_NE(wrong.exitCode, 0);
}

}  // namespace
}  // namespace rspf::testing
