// The CSE's own <serviceSubscribedAppRule> kept by the front (issue 15 item 4; seed 8.3.1.2
// NOTE 1-2): entries added on first contact, removed on expiry or revocation, the CSE's other
// entries kept, and a CSE without the resource type left to the local record.
#include "cse_front/app_rule_sync.hpp"

#include <gtest/gtest.h>

#include "cse_front_support.hpp"

namespace rspf::cse_front {
namespace {

using nlohmann::json;
using testing::CseStandIn;

constexpr const char* kRule = "/cse-in/asar-rspf";
constexpr auto kSettle = std::chrono::seconds(5);

TEST(AppRuleSync, FirstContactAddsAndExpiryRemovesTheCredentialAndTheEnrolee) {
  CseStandIn cse;
  UpstreamPool pool(upstreamOf(cse));
  AppRuleSync sync(pool, {"CAdmin", kRule});
  sync.admitted("12-aa-22@mef.test.example", "Cae1");
  ASSERT_TRUE(sync.waitUntilSettled(kSettle));
  EXPECT_EQ(sync.state(), AppRuleSync::State::InSync);
  auto rule = cse.resource(kRule);
  ASSERT_TRUE(rule);
  EXPECT_EQ(rule->at("apci"), json::array({"12-aa-22@mef.test.example"}));
  EXPECT_EQ(rule->at("aae"), json::array({"Cae1"}));
  EXPECT_EQ(rule->at("ty"), 19);
  // The front speaks as the admin originator, and only for this resource.
  for (const auto& q : cse.received()) EXPECT_EQ(q.header("X-M2M-Origin"), "CAdmin");
  EXPECT_EQ(cse.received().back().header("Content-Type"), "application/json;ty=19");

  // A second handshake of the same key changes nothing: no request at all.
  auto before = cse.received().size();
  sync.admitted("12-aa-22@mef.test.example", "Cae1");
  sync.admitted("12-bb-22@mef.test.example", "Cae1");  // a second key of the same Enrolee
  ASSERT_TRUE(sync.waitUntilSettled(kSettle));
  EXPECT_EQ(cse.resource(kRule)->at("apci"), json::array({"12-aa-22@mef.test.example", "12-bb-22@mef.test.example"}));
  EXPECT_EQ(cse.resource(kRule)->at("aae"), json::array({"Cae1"}));
  EXPECT_EQ(cse.received().size(), before + 2);  // one retrieve, one update

  sync.erased("12-aa-22@mef.test.example");
  ASSERT_TRUE(sync.waitUntilSettled(kSettle));
  EXPECT_EQ(cse.resource(kRule)->at("apci"), json::array({"12-bb-22@mef.test.example"}));
  EXPECT_EQ(cse.resource(kRule)->at("aae"), json::array({"Cae1"}));  // another key of it remains
  sync.erased("12-bb-22@mef.test.example");
  ASSERT_TRUE(sync.waitUntilSettled(kSettle));
  EXPECT_EQ(cse.resource(kRule)->at("apci"), json::array());
  EXPECT_EQ(cse.resource(kRule)->at("aae"), json::array());
}

TEST(AppRuleSync, EntriesTheFrontDidNotAddAreKept) {
  CseStandIn cse;
  UpstreamPool pool(upstreamOf(cse));
  // The operator's own rule, already there.
  auto created = pool.send(request(
      "POST", "/cse-in", {{"X-M2M-Origin", "CAdmin"}, {"X-M2M-RI", "op"}, {"Content-Type", "application/json;ty=19"}},
      R"({"m2m:asar":{"rn":"asar-rspf","apci":["10-operator"],"aae":["Coperator"]}})"));
  ASSERT_EQ(created.status, 201) << created.body;
  AppRuleSync sync(pool, {"CAdmin", kRule});
  sync.admitted("12-aa-22@mef.test.example", "Cae1");
  ASSERT_TRUE(sync.waitUntilSettled(kSettle));
  EXPECT_EQ(cse.resource(kRule)->at("apci"), json::array({"10-operator", "12-aa-22@mef.test.example"}));
  sync.erased("12-aa-22@mef.test.example");
  ASSERT_TRUE(sync.waitUntilSettled(kSettle));
  EXPECT_EQ(cse.resource(kRule)->at("apci"), json::array({"10-operator"}));
  EXPECT_EQ(cse.resource(kRule)->at("aae"), json::array({"Coperator"}));
}

TEST(AppRuleSync, ACseWithoutTheResourceTypeLeavesTheLocalRecordAlone) {
  testing::CseStandInOptions o;
  o.appRuleSupported = false;
  CseStandIn cse(o);
  UpstreamPool pool(upstreamOf(cse));
  AppRuleSync sync(pool, {"CAdmin", kRule});
  sync.admitted("12-aa-22@mef.test.example", "Cae1");
  ASSERT_TRUE(sync.waitUntilSettled(kSettle));
  EXPECT_EQ(sync.state(), AppRuleSync::State::Unsupported);
  EXPECT_EQ(cse.resource(kRule), std::nullopt);
  auto before = cse.received().size();
  sync.admitted("12-bb-22@mef.test.example", "Cae2");  // not tried again
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(cse.received().size(), before);
}

TEST(AppRuleSync, ADownCseIsRetriedUntilItAnswers) {
  auto gone = std::make_unique<CseStandIn>();
  auto port = gone->port();
  UpstreamPool pool(upstreamOf(*gone));
  gone.reset();
  AppRuleSync sync(pool, {"CAdmin", kRule}, std::chrono::milliseconds(100));
  sync.admitted("12-aa-22@mef.test.example", "Cae1");
  EXPECT_FALSE(sync.waitUntilSettled(std::chrono::milliseconds(300)));
  EXPECT_EQ(sync.state(), AppRuleSync::State::Failing);
  testing::CseStandInOptions o;
  o.port = port;
  CseStandIn back(o);
  ASSERT_TRUE(sync.waitUntilSettled(kSettle));
  EXPECT_EQ(back.resource(kRule)->at("aae"), json::array({"Cae1"}));
}

}  // namespace
}  // namespace rspf::cse_front
