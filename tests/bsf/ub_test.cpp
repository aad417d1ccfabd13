// Ub: HTTP Digest AKA (RFC 3310, TS 24.109 4.5.2), SQN management and resynchronisation by AUTS
// (TS 33.102 6.3.5), against an in-process BSF.
#include "bsf_test_support.hpp"
#include "crypto/aka.hpp"
#include "crypto/gba_key_derivation.hpp"

namespace rspf::bsf {
namespace {

using rspf::testing::expectError;

crypto::Milenage usim() { return crypto::Milenage(set1K(), set1Opc()); }

class Ub : public InProcessBsf {};

TEST_F(Ub, DigestAkaGivesBtidAndTheSessionKsIsCkIk) {
  auto c = challengeOf(ub->handle(ubRequest(initialAuthorization())));
  auto aka = crypto::authenticate(usim(), c.rand, c.autn, 0);
  ASSERT_EQ(aka.outcome, crypto::AkaResult::Outcome::Success);
  EXPECT_EQ(aka.sqn, 1u);  // the HSS's first vector
  auto r = ub->handle(ubRequest(answer(c, aka.res.view())));
  ASSERT_EQ(r.status, 200) << r.body;
  std::string btid = crypto::bootstrappingTransactionId(c.rand, kBsfFqdn);
  EXPECT_NE(r.body.find("<btid>" + btid + "</btid>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<lifetime>"), std::string::npos);
  EXPECT_TRUE(r.header("Authentication-Info").has_value());
  auto session = store->findSession(btid);
  ASSERT_TRUE(session);
  EXPECT_EQ(rspf::testing::hexOf(session->ks.view()),
            rspf::testing::hexOf(crypto::bootstrappedKey(aka.ck, aka.ik).view()));
  EXPECT_EQ(store->findSubscriber(kImpi)->sqn, 1u);
}

TEST_F(Ub, AResponseIsAcceptedOnce) {
  auto c = challengeOf(ub->handle(ubRequest(initialAuthorization())));
  auto aka = crypto::authenticate(usim(), c.rand, c.autn, 0);
  auto authorization = answer(c, aka.res.view());
  ASSERT_EQ(ub->handle(ubRequest(authorization)).status, 200);
  auto replay = ub->handle(ubRequest(authorization));
  EXPECT_EQ(replay.status, 401);  // a fresh challenge, stale=TRUE
  EXPECT_NE(replay.header("WWW-Authenticate")->find("stale=TRUE"), std::string::npos);
}

TEST_F(Ub, WrongResIsRefusedAndCreatesNoSession) {
  auto c = challengeOf(ub->handle(ubRequest(initialAuthorization())));
  crypto::Bytes wrong(8, 0x42);
  expectError([&] { ub->handle(ubRequest(answer(c, wrong))); }, ErrorCode::Forbidden, "does not match RES");
  EXPECT_FALSE(store->findSession(crypto::bootstrappingTransactionId(c.rand, kBsfFqdn)));
}

TEST_F(Ub, UnknownImpiIsRefused) {
  expectError([&] { ub->handle(ubRequest(initialAuthorization("nobody@ims.example"))); }, ErrorCode::Forbidden,
              "unknown subscriber");
}

TEST_F(Ub, UsimAheadResynchronisesByAuts) {
  constexpr std::uint64_t kUsimSqn = 5000;  // the USIM has seen more than the HSS knows
  auto c = challengeOf(ub->handle(ubRequest(initialAuthorization())));
  auto aka = crypto::authenticate(usim(), c.rand, c.autn, kUsimSqn);
  ASSERT_EQ(aka.outcome, crypto::AkaResult::Outcome::SynchronisationFailure);
  auto again = challengeOf(ub->handle(ubRequest(answer(c, {}, &aka.auts))));  // empty password, RFC 3310 3.4
  EXPECT_EQ(store->findSubscriber(kImpi)->sqn, kUsimSqn + 1);
  auto retry = crypto::authenticate(usim(), again.rand, again.autn, kUsimSqn);
  ASSERT_EQ(retry.outcome, crypto::AkaResult::Outcome::Success);
  EXPECT_EQ(ub->handle(ubRequest(answer(again, retry.res.view()))).status, 200);
}

TEST_F(Ub, ForgedAutsIsRefusedAndSqnUnchanged) {
  auto c = challengeOf(ub->handle(ubRequest(initialAuthorization())));
  auto aka = crypto::authenticate(usim(), c.rand, c.autn, 5000);
  aka.auts.back() ^= 1;
  expectError([&] { ub->handle(ubRequest(answer(c, {}, &aka.auts))); }, ErrorCode::Forbidden, "AUTS");
  EXPECT_EQ(store->findSubscriber(kImpi)->sqn, 1u);
}

TEST_F(Ub, MalformedOrOversizedAuthorizationIsA400) {
  expectError([&] { ub->handle(ubRequest("Basic dXNlcjpwYXNz")); }, ErrorCode::BadRequest, "Digest");
  expectError([&] { ub->handle(ubRequest("Digest username=\"unterminated")); }, ErrorCode::BadRequest, "unterminated");
  expectError([&] { ub->handle(ubRequest("Digest username=\"a\", username=\"b\"")); }, ErrorCode::BadRequest, "twice");
  expectError([&] { ub->handle(ubRequest("Digest username=\"" + std::string(3000, 'a') + "\"")); },
              ErrorCode::BadRequest, "exceeds the limit");
  expectError([&] { ub->handle(transport::HttpRequest{"GET", "/", {}, ""}); }, ErrorCode::BadRequest, "Authorization");
  auto c = challengeOf(ub->handle(ubRequest(initialAuthorization())));
  expectError([&] { ub->handle(ubRequest(answer(c, {}, nullptr).replace(0, 0, "") + ", auts=\"!!\"")); },
              ErrorCode::BadRequest, "auts");
}

// Issue 9: the BSF's limit on unanswered challenges was global, so one IMPI gave every subscriber 503
// and burnt 10,200 SQNs. Now it holds per IMPI and per source address.
class UbChallengeLimits : public InProcessBsf {
 protected:
  void addSubscriber(const std::string& impi) {
    Subscriber s;
    s.impi = impi;
    s.k = set1K();
    s.opc = set1Opc();
    store->addSubscriber(s);
  }
  void limit(std::size_t perImpi, std::size_t perSource) {
    ub.emplace(*store, BootstrappingSettings{kBsfFqdn, std::chrono::seconds(3600), std::chrono::seconds(30), perImpi,
                                             perSource});
  }
};

TEST_F(UbChallengeLimits, OneImpiFloodedCannotDenyOtherSubscribersNorBurnSqns) {
  const std::string other = "001010000000002@ims.mnc001.mcc001.3gppnetwork.org";
  addSubscriber(other);
  const BootstrappingSettings defaults;
  for (std::size_t i = 0; i < defaults.maxChallengesPerImpi; ++i)
    EXPECT_EQ(ub->handle(ubRequest(initialAuthorization()), "198.51.100.7:4000").status, 401);
  // The flood goes on, from one address and from many.
  for (int i = 0; i < 200; ++i)
    expectError([&] { ub->handle(ubRequest(initialAuthorization()), "198.51.100." + std::to_string(i) + ":1"); },
                ErrorCode::Unavailable, "this IMPI has 4 unanswered challenges");
  EXPECT_EQ(store->findSubscriber(kImpi)->sqn, defaults.maxChallengesPerImpi);  // no SQN burnt by the refusals
  // Another subscriber, even from the flooding address, still bootstraps.
  auto c = challengeOf(ub->handle(ubRequest(initialAuthorization(other)), "198.51.100.7:4001"));
  auto aka = crypto::authenticate(usim(), c.rand, c.autn, 0);
  ASSERT_EQ(aka.outcome, crypto::AkaResult::Outcome::Success);
  EXPECT_EQ(ub->handle(ubRequest(answer(c, aka.res.view(), nullptr, other)), "198.51.100.7:4001").status, 200);
  EXPECT_EQ(store->findSubscriber(other)->sqn, 1u);
}

TEST_F(UbChallengeLimits, OneSourceIsLimitedByAddressAndOthersAreNot) {
  limit(100, 3);
  for (const char* source : {"203.0.113.9:1", "203.0.113.9:2", "203.0.113.9:3"})
    EXPECT_EQ(ub->handle(ubRequest(initialAuthorization()), source).status, 401);
  expectError([&] { ub->handle(ubRequest(initialAuthorization()), "203.0.113.9:4"); }, ErrorCode::Unavailable,
              "from this address");
  for (const char* source : {"[2001:db8::9]:1", "[2001:db8::9]:2", "[2001:db8::9]:3"})
    EXPECT_EQ(ub->handle(ubRequest(initialAuthorization()), source).status, 401);
  expectError([&] { ub->handle(ubRequest(initialAuthorization()), "[2001:db8::9]:4"); }, ErrorCode::Unavailable,
              "from this address");
  EXPECT_EQ(ub->handle(ubRequest(initialAuthorization()), "203.0.113.10:1").status, 401);
  EXPECT_EQ(store->findSubscriber(kImpi)->sqn, 7u);  // the two refusals took none
}

TEST_F(UbChallengeLimits, AnAnsweredChallengeFreesItsPlace) {
  limit(1, 64);
  auto c = challengeOf(ub->handle(ubRequest(initialAuthorization()), "192.0.2.1:1"));
  expectError([&] { ub->handle(ubRequest(initialAuthorization()), "192.0.2.1:1"); }, ErrorCode::Unavailable,
              "unanswered");
  auto aka = crypto::authenticate(usim(), c.rand, c.autn, 0);
  ASSERT_EQ(ub->handle(ubRequest(answer(c, aka.res.view())), "192.0.2.1:1").status, 200);
  EXPECT_EQ(ub->handle(ubRequest(initialAuthorization()), "192.0.2.1:1").status, 401);
}

}  // namespace
}  // namespace rspf::bsf
