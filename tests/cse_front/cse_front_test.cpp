// The forwarder in process, against the CSE stand-in (issue 15 items 1-2): create, retrieve,
// update and delete with every header both ways, and each refusal answered by the front itself
// with a oneM2M error — the CSE never sees a refused request.
#include "cse_front/cse_front.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cse_front_support.hpp"

namespace rspf::cse_front {
namespace {

using testing::CseStandIn;

FrontSettings settingsFor(const CseStandIn& cse, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  FrontSettings s;
  s.upstream = upstreamOf(cse, 4, timeout);
  s.mapping = {"C", ".test.example"};
  s.denyList = {"/id-in"};
  s.maxBodyBytes = 4096;
  s.appRule = AppRuleSettings{"CAdmin", "/cse-in/asar-rspf"};
  return s;
}

std::string dbg(const transport::HttpResponse& r) {
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  return j.is_object() && j.contains("m2m:dbg") ? j["m2m:dbg"].get<std::string>() : "<no m2m:dbg in " + r.body + ">";
}

class Front : public ::testing::Test {
 protected:
  CseStandIn cse;
  CseFront front{settingsFor(cse), "cse1.test.example"};
};

TEST_F(Front, CreateRetrieveUpdateDeleteCarryEveryHeaderBothWays) {
  auto peer = enrolee();
  auto created = front.forward(peer, request("POST", "/cse-in",
                                             {{"X-M2M-RI", "c-1"},
                                              {"X-M2M-RVI", "3"},
                                              {"Content-Type", "application/json;ty=2"},
                                              {"Accept", "application/json"},
                                              {"X-M2M-RTU", "http://n.example"},
                                              {"X-M2M-Origin", "Cae1"}},
                                             R"({"m2m:ae":{"rn":"ae1","api":"Nrspf","rr":false}})"));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.header("X-M2M-RSC"), "2001");
  EXPECT_EQ(created.header("X-M2M-RI"), "c-1");
  EXPECT_EQ(created.header("X-M2M-RVI"), "3");
  EXPECT_EQ(created.header("Content-Location"), "/cse-in/ae1");
  EXPECT_EQ(created.contentType, "application/json");
  EXPECT_EQ(created.header("Set-Cookie"), std::nullopt);  // the CSE's other headers stay behind
  EXPECT_EQ(nlohmann::json::parse(created.body)["m2m:ae"]["aei"], "Cae1");

  auto seen = cse.received().back();
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.target, "/cse-in");
  EXPECT_EQ(seen.count("X-M2M-Origin"), 1u);
  EXPECT_EQ(seen.header("X-M2M-Origin"), "Cae1");
  EXPECT_EQ(seen.header("X-M2M-RI"), "c-1");
  EXPECT_EQ(seen.header("X-M2M-RVI"), "3");
  EXPECT_EQ(seen.header("Content-Type"), "application/json;ty=2");
  EXPECT_EQ(seen.header("Accept"), "application/json");
  EXPECT_EQ(seen.header("X-M2M-RTU"), "http://n.example");
  EXPECT_EQ(seen.header("Forwarded"), "for=\"127.0.0.1:50000\";by=\"cse1.test.example\";proto=https");
  EXPECT_EQ(seen.body, R"({"m2m:ae":{"rn":"ae1","api":"Nrspf","rr":false}})");

  auto retrieved = front.forward(peer, request("GET", "/cse-in/ae1?rcn=1", {{"X-M2M-RI", "c-2"}}));
  EXPECT_EQ(retrieved.status, 200) << retrieved.body;
  EXPECT_EQ(retrieved.header("X-M2M-RSC"), "2000");
  EXPECT_EQ(cse.received().back().target, "/cse-in/ae1?rcn=1");  // the query is passed as it is

  auto updated =
      front.forward(peer, request("PUT", "/cse-in/ae1", {{"X-M2M-RI", "c-3"}, {"Content-Type", "application/json"}},
                                  R"({"m2m:ae":{"lbl":["rspf"]}})"));
  EXPECT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.header("X-M2M-RSC"), "2004");
  EXPECT_EQ(cse.resource("/cse-in/ae1")->at("lbl"), nlohmann::json::array({"rspf"}));

  auto deleted = front.forward(peer, request("DELETE", "/cse-in/ae1", {{"X-M2M-RI", "c-4"}}));
  EXPECT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(deleted.header("X-M2M-RSC"), "2002");
  EXPECT_EQ(cse.resource("/cse-in/ae1"), std::nullopt);
}

TEST_F(Front, TheCsesRefusalsComeBackAsTheyAre) {
  auto missing = front.forward(enrolee(), request("GET", "/cse-in/nothing", {{"X-M2M-RI", "m-1"}}));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.header("X-M2M-RSC"), "4004");
  EXPECT_EQ(missing.header("X-M2M-RI"), "m-1");
}

TEST_F(Front, ASpoofedOriginatorIsRefusedAndNeverPassedOn) {
  for (const auto& [name, claim] : std::vector<std::pair<std::string, std::string>>{
           {"X-M2M-Origin", "Cae2"}, {"X-M2M-Origin", "CAdmin"}, {"x-m2m-origin", "/id-in"}, {"From", "Cae2"}}) {
    auto r = front.forward(enrolee(), request("DELETE", "/cse-in/ae2", {{"X-M2M-RI", "s-1"}, {name, claim}}));
    EXPECT_EQ(r.status, 403) << claim;
    EXPECT_EQ(r.header("X-M2M-RSC"), "4103") << claim;
    EXPECT_EQ(r.header("X-M2M-RI"), "s-1");
    EXPECT_EQ(dbg(r), "originator does not match the authenticated Enrolee");
  }
  // A second X-M2M-Origin field cannot smuggle another originator beside the right one.
  auto twice =
      front.forward(enrolee(), request("GET", "/cse-in", {{"X-M2M-Origin", "Cae1"}, {"X-M2M-Origin", "CAdmin"}}));
  EXPECT_EQ(twice.status, 403);
  EXPECT_TRUE(cse.received().empty());
}

TEST_F(Front, APrivilegedOriginatorIsNeverAnEnrolees) {
  // "Admin.test.example" maps onto the CSE's admin originator "CAdmin" (on the deny-list always).
  auto r = front.forward(enrolee("Admin.test.example"), request("GET", "/cse-in", {}));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.header("X-M2M-RSC"), "4103");
  EXPECT_EQ(dbg(r), "the authenticated Enrolee's originator is a privileged originator of the CSE");
  auto unmapped = settingsFor(cse);
  unmapped.mapping = {};
  CseFront plain(unmapped, "cse1.test.example");
  auto cseId = plain.forward(enrolee("/id-in"), request("GET", "/cse-in", {}));  // the CSE's own CSE-ID
  EXPECT_EQ(cseId.status, 403);
  EXPECT_TRUE(cse.received().empty());
}

TEST_F(Front, AKeyPastItsLifetimeOrNoLongerServedIsRefusedMidSession) {
  auto expired = front.forward(enrolee("ae1.test.example", now() - std::chrono::seconds(1)),
                               request("GET", "/cse-in", {{"X-M2M-RI", "e-1"}}));
  EXPECT_EQ(expired.status, 403);
  EXPECT_EQ(expired.header("X-M2M-RSC"), "4106");
  EXPECT_NE(dbg(expired).find("passed its Lifetime"), std::string::npos) << dbg(expired);

  bool revoked = false;
  CseFront checked(settingsFor(cse), "cse1.test.example", [&](const tls::AuthenticatedPeer&) {
    return revoked ? std::optional<std::string>("the MEF no longer serves the Enrolee's key; enrol again")
                   : std::nullopt;
  });
  EXPECT_EQ(checked.forward(enrolee(), request("GET", "/cse-in", {{"X-M2M-RI", "e-2"}})).status, 200);
  revoked = true;
  auto refused = checked.forward(enrolee(), request("GET", "/cse-in", {{"X-M2M-RI", "e-3"}}));
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.header("X-M2M-RSC"), "4106");
  EXPECT_EQ(dbg(refused), "the MEF no longer serves the Enrolee's key; enrol again");
  EXPECT_EQ(cse.received().size(), 1u);
}

TEST_F(Front, OversizedBodiesAndAbsoluteTargetsAreRefused) {
  auto big = front.forward(
      enrolee(), request("POST", "/cse-in", {{"Content-Type", "application/json;ty=2"}}, std::string(4097, 'x')));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.header("X-M2M-RSC"), "4000");
  auto absolute = front.forward(enrolee(), request("GET", "http://other.example/cse-in", {}));
  EXPECT_EQ(absolute.status, 400);
  EXPECT_TRUE(cse.received().empty());
}

TEST_F(Front, AnUnpeeredSessionIsRefused) {
  tls::AuthenticatedPeer anonymous;
  EXPECT_EQ(front.forward(anonymous, request("GET", "/cse-in", {})).status, 403);
}

TEST(FrontUpstream, ADownCseIs502WithTargetNotReachable) {
  FrontSettings s;
  {
    CseStandIn gone;
    s = settingsFor(gone);
  }
  CseFront front(s, "cse1.test.example");
  auto r = front.forward(enrolee(), request("GET", "/cse-in", {{"X-M2M-RI", "d-1"}}));
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.header("X-M2M-RSC"), "5103");
  EXPECT_EQ(r.header("X-M2M-RI"), "d-1");
  EXPECT_NE(dbg(r).find("cannot reach the CSE"), std::string::npos) << dbg(r);
}

TEST(FrontUpstream, ASlowCseIs504WithRequestTimeout) {
  CseStandIn cse;
  cse.setDelay(std::chrono::milliseconds(1500));
  CseFront front(settingsFor(cse, std::chrono::milliseconds(300)), "cse1.test.example");
  auto r = front.forward(enrolee(), request("GET", "/cse-in", {{"X-M2M-RI", "t-1"}}));
  EXPECT_EQ(r.status, 504);
  EXPECT_EQ(r.header("X-M2M-RSC"), "4008");
  EXPECT_NE(dbg(r).find("did not answer within 300 ms"), std::string::npos) << dbg(r);
}

}  // namespace
}  // namespace rspf::cse_front
