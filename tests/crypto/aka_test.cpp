// 3G AKA over Milenage (TS 33.102 6.3): vector generation, the USIM's AUTN check, resynchronisation.
#include <gtest/gtest.h>

#include "crypto/aka.hpp"
#include "crypto/http_digest.hpp"
#include "support/expectations.hpp"

namespace rspf::crypto {
namespace {

using rspf::testing::hexOf;
using rspf::testing::unhex;

// TS 35.207 test set 1.
Milenage set1() {
  return Milenage(SecretBytes(unhex("465b5ce8b199b49faa5f0a2ee238a6bc")),
                  SecretBytes(unhex("cd63cb71954a9f4e48a5994e37a02baf")));
}
const Bytes kRand = unhex("23553cbe9637a89d218ae64dae47bf35");
const Bytes kAmf = unhex("b9b9");
constexpr std::uint64_t kSqn = 0xff9bb4d0b607;

TEST(Aka, VectorIsAutnOfTestSet1) {
  auto av = generateAuthenticationVector(set1(), kRand, kSqn, kAmf);
  // SQN xor AK || AMF || MAC-A, from the set's f5 and f1.
  EXPECT_EQ(hexOf(av.autn), "55f328b43577b9b94a9ffac354dfafb3");
  EXPECT_EQ(hexOf(av.xres.view()), "a54211d5e3ba50bf");
  EXPECT_EQ(hexOf(av.ck.view()), "b40ba9a3c58b2a05bbf0d987b21bf8cb");
}

TEST(Aka, UsimAcceptsAFreshSqn) {
  auto av = generateAuthenticationVector(set1(), kRand, kSqn, kAmf);
  auto r = authenticate(set1(), av.rand, av.autn, kSqn - 1);
  ASSERT_EQ(r.outcome, AkaResult::Outcome::Success);
  EXPECT_EQ(hexOf(r.res.view()), hexOf(av.xres.view()));
  EXPECT_EQ(hexOf(r.ik.view()), "f769bcd751044604127672711c6d3441");
  EXPECT_EQ(r.sqn, kSqn);
}

TEST(Aka, WrongKeyIsAMacFailure) {
  auto av = generateAuthenticationVector(set1(), kRand, kSqn, kAmf);
  Milenage other(SecretBytes(unhex("0396eb317b6d1c36f19c1c84cd6ffd16")),
                 SecretBytes(unhex("cd63cb71954a9f4e48a5994e37a02baf")));
  EXPECT_EQ(authenticate(other, av.rand, av.autn, 0).outcome, AkaResult::Outcome::MacFailure);
}

TEST(Aka, ReplayedOrFarSqnGivesAutsTheHssCanRead) {
  auto av = generateAuthenticationVector(set1(), kRand, 5, kAmf);
  for (std::uint64_t sqnMs : {std::uint64_t{5}, std::uint64_t{9}}) {  // replay, older than the USIM's
    auto r = authenticate(set1(), av.rand, av.autn, sqnMs);
    ASSERT_EQ(r.outcome, AkaResult::Outcome::SynchronisationFailure);
    ASSERT_EQ(r.auts.size(), kAutsSize);
    EXPECT_EQ(sqnFromAuts(set1(), av.rand, r.auts), sqnMs);
    r.auts.back() ^= 1;
    EXPECT_FALSE(sqnFromAuts(set1(), av.rand, r.auts));
  }
  auto far = generateAuthenticationVector(set1(), kRand, 10 + kDefaultSqnWindow + 1, kAmf);
  EXPECT_EQ(authenticate(set1(), far.rand, far.autn, 10).outcome, AkaResult::Outcome::SynchronisationFailure);
}

TEST(HttpDigest, Rfc2617Example) {
  // RFC 2617 3.5 (qop=auth): Mufasa / "Circle Of Life".
  DigestInputs in{"Mufasa",
                  "testrealm@host.com",
                  asBytes("Circle Of Life"),
                  "dcd98b7102dd2f0e8b11d0f600bfb0c093",
                  "00000001",
                  "0a4f113b",
                  "auth",
                  "GET",
                  "/dir/index.html",
                  ""};
  EXPECT_EQ(digestResponse(in), "6629fae49393a05397450978507c4ef1");
}

}  // namespace
}  // namespace rspf::crypto
