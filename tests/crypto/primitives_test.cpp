// HMAC-SHA-256 (RFC 4231), SHA-256 (FIPS 180-4 example), the random generator.
#include <gtest/gtest.h>

#include <string>

#include "crypto/primitives.hpp"
#include "support/expectations.hpp"

namespace rspf::crypto {
namespace {

using rspf::testing::hexOf;

TEST(HmacSha256, Rfc4231TestCase1) {
  const Bytes key(20, 0x0b);
  EXPECT_EQ(hexOf(hmacSha256(key, {asBytes("Hi There")}).view()),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(HmacSha256, Rfc4231TestCase2) {
  EXPECT_EQ(hexOf(hmacSha256(asBytes("Jefe"), {asBytes("what do ya want for nothing?")}).view()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256, PartsAreConcatenated) {
  // RFC 4231 test case 2, with the message split (and an empty part in between).
  auto mac = hmacSha256(asBytes("Jefe"), {asBytes("what do ya "), asBytes(""), asBytes("want for nothing?")});
  EXPECT_EQ(hexOf(mac.view()), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(mac.size(), kSha256Size);
}

TEST(Sha256, Abc) {
  EXPECT_EQ(hexOf(sha256(asBytes("abc"))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, Empty) {
  EXPECT_EQ(hexOf(sha256({})), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Random, SizesAndDistinctOutputs) {
  EXPECT_EQ(randomBytes(0).size(), 0u);
  EXPECT_EQ(randomBytes(33).size(), 33u);
  EXPECT_EQ(randomSecret(32).size(), 32u);
  EXPECT_NE(randomBytes(32), randomBytes(32));
  auto a = randomSecret(32);
  auto b = randomSecret(32);
  EXPECT_NE(hexOf(a.view()), hexOf(b.view()));
}

}  // namespace
}  // namespace rspf::crypto
