// `rspf target` in front of a CSE, as real processes on loopback (issue 15 items 1, 2, 4, 5): a MEF,
// the target with [target] upstream set, the CSE stand-in, and Enrolees holding kept-alive TLS-PSK
// sessions with the keys the MEF provisioned.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <thread>

#include "common/error.hpp"
#include "enrolee/enrolee_credentials.hpp"
#include "support/cse_stand_in.hpp"
#include "support/loopback_deployment.hpp"
#include "transport/https/https_client.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kTarget = "cse1.test.example";
constexpr const char* kEnrolee = "ae1.test.example";
constexpr const char* kRule = "/cse-in/asar-rspf";
using nlohmann::json;

store::EnrolmentPolicy pairedWithTarget(std::chrono::seconds expiry = std::chrono::hours(1)) {
  store::EnrolmentPolicy p;
  p.directKeys = {{kTarget, "SAEF"}};
  p.enrolmentExpiry = expiry;
  return p;
}

std::string dbg(const transport::HttpResponse& r) {
  auto j = json::parse(r.body, nullptr, false);
  return j.is_object() && j.contains("m2m:dbg") ? j["m2m:dbg"].get<std::string>() : "<no m2m:dbg in " + r.body + ">";
}

class FrontProcess : public ::testing::Test {
 protected:
  void SetUp() override {
    d.addTargetIdentity(kTarget);
    d.addEnrolee(kEnrolee, pairedWithTarget());
    d.startMef();
  }

  std::string startFront(const std::string& extra = "") {
    return d.startTarget(kTarget, "SAEF", "",
                         "upstream = \"" + cse.url() +
                             "\"\noriginator_prefix = \"C\"\noriginator_strip_suffix = \".test.example\"\n"
                             "deny_originators = [\"/id-in\"]\ncse_admin_originator = \"CAdmin\"\n"
                             "cse_app_rule = \"" +
                             kRule + "\"\nmax_body_bytes = 2048\n" + extra);
  }

  // A TLS-PSK session of `id` with the target, presenting KeId, kept open for many requests.
  std::unique_ptr<transport::HttpsClient> session(const std::string& id, const std::string& url) {
    auto credentials = enrolee::CredentialFile{d.credentialFile(id), std::nullopt}.load();
    auto* key = credentials.findTargetKey(kTarget, std::nullopt);
    if (key == nullptr) throw std::runtime_error("no key for the target");
    auto endpoint = transport::parseHttpsUrl(url);
    return std::make_unique<transport::HttpsClient>(*endpoint, tls::PskClientSettings{kTarget, false},
                                                    tls::PskClientCredentials{credentials.keId, key->key});
  }

  std::string credentialIdOf(const std::string& id) {
    auto credentials = enrolee::CredentialFile{d.credentialFile(id), std::nullopt}.load();
    return "12-" + credentials.keId.substr(0, 32) + "-22@" + LoopbackDeployment::kMefFqdn;
  }

  LoopbackDeployment d;
  CseStandIn cse;
};

transport::HttpRequest create(const std::string& parent, int ty, const std::string& ri, const json& body) {
  return {"POST",
          parent,
          {{"X-M2M-RI", ri},
           {"X-M2M-RVI", "3"},
           {"Content-Type", "application/json;ty=" + std::to_string(ty)},
           {"Accept", "application/json"}},
          body.dump()};
}

TEST_F(FrontProcess, ForwardsCreateRetrieveUpdateDeleteWithEveryHeaderOverOneKeptAliveSession) {
  auto url = startFront();
  ASSERT_EQ(d.enrol(kEnrolee).exitCode, 0);
  auto s = session(kEnrolee, url);

  auto ae = s->request(create("/cse-in", 2, "r-1", {{"m2m:ae", {{"rn", "ae1"}, {"api", "Nrspf"}, {"rr", false}}}}));
  ASSERT_EQ(ae.status, 201) << ae.body << d.targetLog(kTarget);
  EXPECT_EQ(ae.header("X-M2M-RSC"), "2001");
  EXPECT_EQ(ae.header("X-M2M-RI"), "r-1");
  EXPECT_EQ(ae.header("X-M2M-RVI"), "3");
  EXPECT_EQ(ae.header("Content-Location"), "/cse-in/ae1");
  EXPECT_EQ(ae.contentType, "application/json");
  EXPECT_EQ(ae.header("Set-Cookie"), std::nullopt);
  EXPECT_EQ(json::parse(ae.body)["m2m:ae"]["aei"], "Cae1");  // the CSE saw the credential's originator

  ASSERT_EQ(s->request(create("/cse-in/ae1", 3, "r-2", {{"m2m:cnt", {{"rn", "temp"}}}})).status, 201);
  auto cin =
      s->request(create("/cse-in/ae1/temp", 4, "r-3", {{"m2m:cin", {{"cnf", "text/plain:0"}, {"con", "21.5"}}}}));
  ASSERT_EQ(cin.status, 201) << cin.body;
  auto location = *cin.header("Content-Location");
  EXPECT_EQ(cse.resource(location)->at("con"), "21.5");
  EXPECT_EQ(cse.resource(location)->at("cr"), "Cae1");

  auto got = s->request({"GET", location + "?rcn=1", {{"X-M2M-RI", "r-4"}, {"X-M2M-Origin", "Cae1"}}, ""});
  EXPECT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.header("X-M2M-RSC"), "2000");
  EXPECT_EQ(json::parse(got.body)["m2m:cin"]["con"], "21.5");

  auto put = s->request({"PUT",
                         "/cse-in/ae1",
                         {{"X-M2M-RI", "r-5"}, {"Content-Type", "application/json"}},
                         json{{"m2m:ae", {{"lbl", {"rspf"}}}}}.dump()});
  EXPECT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.header("X-M2M-RSC"), "2004");
  auto del = s->request({"DELETE", "/cse-in/ae1", {{"X-M2M-RI", "r-6"}}, ""});
  EXPECT_EQ(del.status, 200) << del.body;
  EXPECT_EQ(del.header("X-M2M-RSC"), "2002");
  EXPECT_EQ(cse.resource("/cse-in/ae1"), std::nullopt);

  // What the CSE got: the front's originator and client address, the oneM2M headers, nothing else.
  int forwarded = 0;
  for (const auto& q : cse.received()) {
    if (q.header("X-M2M-Origin") == "CAdmin") continue;  // the front's own <serviceSubscribedAppRule> upkeep
    ++forwarded;
    EXPECT_EQ(q.count("X-M2M-Origin"), 1u);
    EXPECT_EQ(q.header("X-M2M-Origin"), "Cae1");
    EXPECT_EQ(q.header("User-Agent"), std::nullopt);
    EXPECT_NE(q.header("Forwarded").value_or("").find("by=\"cse1.test.example\""), std::string::npos);
    EXPECT_EQ(q.header("X-Forwarded-For"), "127.0.0.1");
  }
  EXPECT_EQ(forwarded, 6);
  // Keep-alive towards the CSE: the Enrolee's six requests and the front's upkeep share the pool.
  EXPECT_LE(cse.connectionsAccepted(), 2u);
}

TEST_F(FrontProcess, NoClientHeaderReachesTheCseThatTheFrontOwns) {
  auto url = startFront();
  ASSERT_EQ(d.enrol(kEnrolee).exitCode, 0);
  auto s = session(kEnrolee, url);
  auto r = s->request({"GET",
                       "/cse-in",
                       {{"X-M2M-RI", "h-1"},
                        {"remoteaddress", "10.9.9.9"},
                        {"Forwarded", "for=10.9.9.9;by=evil"},
                        {"X-Forwarded-For", "10.9.9.9"},
                        {"X-Forwarded-Host", "evil.example"},
                        {"X-Forwarded-Proto", "http"},
                        {"X-Real-IP", "10.9.9.9"},
                        {"Via", "1.1 evil"},
                        {"Cookie", "session=stolen"},
                        {"X-M2M-VSI", "vendor-1"}},
                       ""});
  ASSERT_EQ(r.status, 200) << r.body;
  std::optional<ReceivedRequest> seen;
  for (const auto& q : cse.received())
    if (q.header("X-M2M-RI") == "h-1") seen = q;
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->header("remoteaddress"), std::nullopt);
  EXPECT_EQ(seen->header("X-Forwarded-Host"), std::nullopt);
  EXPECT_EQ(seen->header("X-Real-IP"), std::nullopt);
  EXPECT_EQ(seen->header("Via"), std::nullopt);
  EXPECT_EQ(seen->header("Cookie"), std::nullopt);
  EXPECT_EQ(seen->count("Forwarded"), 1u);
  EXPECT_EQ(seen->header("Forwarded").value_or("").find("10.9.9.9"), std::string::npos);
  EXPECT_EQ(seen->header("X-Forwarded-For"), "127.0.0.1");
  EXPECT_EQ(seen->header("X-Forwarded-Proto"), "https");
  EXPECT_EQ(seen->header("Host"), "127.0.0.1:" + std::to_string(cse.port()));
  EXPECT_EQ(seen->header("X-M2M-VSI"), "vendor-1");
  EXPECT_EQ(seen->header("X-M2M-Origin"), "Cae1");
}

TEST_F(FrontProcess, RefusesSpoofedAndPrivilegedOriginatorsOversizedBodiesAndUnknownKeIds) {
  store::EnrolmentPolicy admin = pairedWithTarget();
  d.addEnrolee("admin.test.example", admin);  // maps onto "Cadmin": the CSE's admin, case aside
  auto url = startFront();
  ASSERT_EQ(d.enrol(kEnrolee).exitCode, 0);
  ASSERT_EQ(d.enrol("admin.test.example").exitCode, 0);
  auto s = session(kEnrolee, url);
  cse.clearReceived();

  auto spoofed = s->request({"DELETE", "/cse-in/other", {{"X-M2M-RI", "x-1"}, {"X-M2M-Origin", "CAdmin"}}, ""});
  EXPECT_EQ(spoofed.status, 403);
  EXPECT_EQ(spoofed.header("X-M2M-RSC"), "4103");
  EXPECT_EQ(spoofed.header("X-M2M-RI"), "x-1");
  EXPECT_EQ(dbg(spoofed), "originator does not match the authenticated Enrolee");
  auto from = s->request({"GET", "/cse-in", {{"From", "Cae2"}}, ""});
  EXPECT_EQ(from.status, 403);

  auto privileged = session("admin.test.example", url)->request({"GET", "/cse-in", {{"X-M2M-RI", "x-2"}}, ""});
  EXPECT_EQ(privileged.status, 403);
  EXPECT_EQ(privileged.header("X-M2M-RSC"), "4103");
  EXPECT_EQ(dbg(privileged), "the authenticated Enrolee's originator is a privileged originator of the CSE");

  // An unknown KeId (of this MEF) never gets a session, so never a request.
  auto endpoint = transport::parseHttpsUrl(url);
  EXPECT_THROW(
      transport::HttpsClient(*endpoint, tls::PskClientSettings{kTarget, false},
                             tls::PskClientCredentials{std::string(32, 'a') + "@" + LoopbackDeployment::kMefFqdn,
                                                       crypto::SecretBytes(std::size_t{32})}),
      Error);

  // The session that was refused is still usable for what it may do.
  EXPECT_EQ(s->request({"GET", "/cse-in", {{"X-M2M-RI", "x-3"}}, ""}).status, 200);
  // A body over max_body_bytes is refused before it is read (the listener then closes the session).
  auto big = s->request({"POST", "/cse-in", {{"Content-Type", "application/json;ty=2"}}, std::string(4096, 'x')});
  EXPECT_EQ(big.status, 413);
  for (const auto& q : cse.received()) {
    if (q.header("X-M2M-Origin") == "CAdmin") continue;
    EXPECT_EQ(q.header("X-M2M-RI"), "x-3") << "a refused request reached the CSE: " << q.method << " " << q.target;
  }
}

TEST_F(FrontProcess, ADownOrSlowCseIsAOneM2MError) {
  auto url = startFront("upstream_timeout = \"1s\"\n");
  ASSERT_EQ(d.enrol(kEnrolee).exitCode, 0);
  auto s = session(kEnrolee, url);
  ASSERT_EQ(s->request({"GET", "/cse-in", {{"X-M2M-RI", "u-0"}}, ""}).status, 200);
  cse.setDelay(std::chrono::milliseconds(2500));
  auto slow = s->request({"GET", "/cse-in", {{"X-M2M-RI", "u-1"}}, ""});
  EXPECT_EQ(slow.status, 504) << slow.body;
  EXPECT_EQ(slow.header("X-M2M-RSC"), "4008");
  EXPECT_EQ(slow.header("X-M2M-RI"), "u-1");
  EXPECT_NE(dbg(slow).find("did not answer within 1000 ms"), std::string::npos) << dbg(slow);
  cse.stop();
  auto down = s->request({"GET", "/cse-in", {{"X-M2M-RI", "u-2"}}, ""});
  EXPECT_EQ(down.status, 502) << down.body;
  EXPECT_EQ(down.header("X-M2M-RSC"), "5103");
  EXPECT_NE(dbg(down).find("CSE"), std::string::npos);
}

TEST_F(FrontProcess, AKeyThatExpiresMidSessionIsRefusedAndLeavesTheCsesAppRule) {
  d.addEnrolee("ae2.test.example", pairedWithTarget(std::chrono::seconds(3)));
  auto url = startFront();
  ASSERT_EQ(d.enrol("ae2.test.example").exitCode, 0);
  auto started = std::chrono::steady_clock::now();
  auto s = session("ae2.test.example", url);
  ASSERT_EQ(s->request({"GET", "/cse-in", {{"X-M2M-RI", "k-1"}}, ""}).status, 200);
  // First contact: the CSE's own <serviceSubscribedAppRule> names the credential and the Enrolee.
  auto credentialId = credentialIdOf("ae2.test.example");
  for (int i = 0; i < 50 && !cse.resource(kRule); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(cse.resource(kRule)) << d.targetLog(kTarget);
  EXPECT_EQ(cse.resource(kRule)->at("apci"), json::array({credentialId}));
  EXPECT_EQ(cse.resource(kRule)->at("aae"), json::array({"Cae2"}));

  std::this_thread::sleep_until(started + std::chrono::milliseconds(4200));
  auto expired = s->request({"GET", "/cse-in", {{"X-M2M-RI", "k-2"}}, ""});
  EXPECT_EQ(expired.status, 403) << expired.body;
  EXPECT_EQ(expired.header("X-M2M-RSC"), "4106");
  // The target's sweeper erased the key; the front took both entries out of the CSE's rule.
  for (int i = 0; i < 60 && !cse.resource(kRule)->at("apci").empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(cse.resource(kRule)->at("apci"), json::array());
  EXPECT_EQ(cse.resource(kRule)->at("aae"), json::array());
}

TEST_F(FrontProcess, ARevokedKeyIsRefusedMidSessionWithinTheRevalidationBound) {
  auto url = startFront("revalidate_after = \"1s\"\n");
  ASSERT_EQ(d.enrol(kEnrolee).exitCode, 0);
  auto s = session(kEnrolee, url);
  ASSERT_EQ(s->request({"GET", "/cse-in", {{"X-M2M-RI", "v-1"}}, ""}).status, 200);
  auto disabled = d.rspf({"admin", "--config", (d.dir() / "mef.toml").string(), "enrolee", "disable", kEnrolee});
  ASSERT_EQ(disabled.exitCode, 0) << disabled.err;
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  auto refused = s->request({"GET", "/cse-in", {{"X-M2M-RI", "v-2"}}, ""});
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(refused.header("X-M2M-RSC"), "4106");
  EXPECT_EQ(dbg(refused), "the MEF no longer serves the Enrolee's key; enrol again");
  for (int i = 0; i < 60 && cse.resource(kRule) && !cse.resource(kRule)->at("apci").empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(cse.resource(kRule));
  EXPECT_EQ(cse.resource(kRule)->at("apci"), json::array());
}

}  // namespace
}  // namespace rspf::testing
