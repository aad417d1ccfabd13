// AES-256-GCM sealing of secrets at rest: nonce (12) || ciphertext || tag (16).
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

#include "crypto/aead.hpp"
#include "crypto/primitives.hpp"

namespace rspf::crypto {
namespace {

constexpr std::string_view kWhere = "enrolment_keys.ke.0001";

bool sameBytes(ByteView a, ByteView b) { return std::ranges::equal(a, b); }

class Aead : public ::testing::Test {
 protected:
  SecretBytes key = randomSecret(kAeadKeySize);
  Bytes plaintext = Bytes{'K', 'e', ' ', 's', 'e', 'c', 'r', 'e', 't', 0x00, 0xff};
};

TEST_F(Aead, RoundTrip) {
  auto sealed = aeadSeal(key, plaintext, kWhere);
  EXPECT_EQ(sealed.size(), 12 + plaintext.size() + 16);
  EXPECT_EQ(std::search(sealed.begin(), sealed.end(), plaintext.begin(), plaintext.end()), sealed.end())
      << "plaintext visible in the sealed form";
  auto opened = aeadOpen(key, sealed, kWhere);
  ASSERT_TRUE(opened);
  EXPECT_TRUE(sameBytes(opened->view(), plaintext));
}

TEST_F(Aead, EmptyPlaintextRoundTrip) {
  auto sealed = aeadSeal(key, {}, kWhere);
  EXPECT_EQ(sealed.size(), 28u);
  auto opened = aeadOpen(key, sealed, kWhere);
  ASSERT_TRUE(opened);
  EXPECT_TRUE(opened->empty());
  EXPECT_FALSE(aeadOpen(key, sealed, "elsewhere"));
}

TEST_F(Aead, WrongKeyFails) {
  auto sealed = aeadSeal(key, plaintext, kWhere);
  EXPECT_FALSE(aeadOpen(randomSecret(kAeadKeySize), sealed, kWhere));
}

TEST_F(Aead, AlteredAssociatedDataFails) {
  auto sealed = aeadSeal(key, plaintext, kWhere);
  EXPECT_FALSE(aeadOpen(key, sealed, "enrolment_keys.ke.0002"));
  EXPECT_FALSE(aeadOpen(key, sealed, "enrolment_keys.kre.0001"));
  EXPECT_FALSE(aeadOpen(key, sealed, ""));
}

TEST_F(Aead, EveryFlippedBitFails) {
  auto sealed = aeadSeal(key, plaintext, kWhere);
  // Nonce, ciphertext and tag: one flipped bit anywhere makes it fail.
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    for (int bit : {0, 7}) {
      Bytes altered = sealed;
      altered[i] ^= static_cast<std::uint8_t>(1u << bit);
      EXPECT_FALSE(aeadOpen(key, altered, kWhere)) << "byte " << i << " bit " << bit;
    }
  }
}

TEST_F(Aead, TruncatedOrExtendedInputFails) {
  auto sealed = aeadSeal(key, plaintext, kWhere);
  for (std::size_t n :
       {std::size_t{0}, std::size_t{1}, std::size_t{12}, std::size_t{27}, std::size_t{28}, sealed.size() - 1}) {
    Bytes truncated(sealed.begin(), sealed.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_FALSE(aeadOpen(key, truncated, kWhere)) << n << " bytes";
  }
  Bytes extended = sealed;
  extended.push_back(0);
  EXPECT_FALSE(aeadOpen(key, extended, kWhere));
}

TEST_F(Aead, TwoSealsOfTheSamePlaintextDiffer) {
  auto a = aeadSeal(key, plaintext, kWhere);
  auto b = aeadSeal(key, plaintext, kWhere);
  EXPECT_NE(a, b);
  EXPECT_FALSE(std::equal(a.begin(), a.begin() + 12, b.begin())) << "nonce reused";
  EXPECT_TRUE(aeadOpen(key, a, kWhere));
  EXPECT_TRUE(aeadOpen(key, b, kWhere));
}

TEST_F(Aead, KeyMustBe32Bytes) {
  EXPECT_THROW(aeadSeal(randomSecret(16), plaintext, kWhere), std::invalid_argument);
  auto sealed = aeadSeal(key, plaintext, kWhere);
  EXPECT_THROW(aeadOpen(randomSecret(31), sealed, kWhere), std::invalid_argument);
}

}  // namespace
}  // namespace rspf::crypto
