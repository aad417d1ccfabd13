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

}  // namespace
}  // namespace rspf::bsf
