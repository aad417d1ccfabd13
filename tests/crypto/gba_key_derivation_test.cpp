// GBA key derivation (TS 33.220 annex B) against the "gba" section of tests/vectors/gba-milenage.json:
// an independent computation from PROTOCOL.md section 6 over TS 35.207 set 1's CK || IK (not a
// 3GPP-published vector: TS 33.220 publishes none).
#include <gtest/gtest.h>

#include "crypto/encoding.hpp"
#include "crypto/gba_key_derivation.hpp"
#include "crypto/primitives.hpp"
#include "support/expectations.hpp"
#include "support/gba_vectors.hpp"

namespace rspf::crypto {
namespace {

using rspf::testing::hexOf;
using rspf::testing::unhex;

nlohmann::json gbaVector() { return rspf::testing::loadGbaMilenageVectors().at("gba"); }

std::uint16_t cipherSuiteOf(const nlohmann::json& v) {
  return static_cast<std::uint16_t>(std::stoul(v.at("cipher_suite").get<std::string>(), nullptr, 16));
}

TEST(GbaKeyDerivation, NafIdIsFqdnThenUaProtocolIdThenCipherSuite) {
  auto v = gbaVector();
  Bytes id = nafId(v.at("naf_fqdn").get<std::string>(), cipherSuiteOf(v));
  EXPECT_EQ(hexOf(id), v.at("naf_id"));
  EXPECT_EQ(nafFqdnOf(id), v.at("naf_fqdn"));
  EXPECT_EQ(nafFqdnOf(asBytes("mef.example.com")), "");
}

TEST(GbaKeyDerivation, KsNafOfTheVector) {
  auto v = gbaVector();
  SecretBytes ks = bootstrappedKey(SecretBytes(unhex(v.at("ck").get<std::string>())),
                                   SecretBytes(unhex(v.at("ik").get<std::string>())));
  auto rand = unhex(v.at("rand").get<std::string>());
  Bytes id = unhex(v.at("naf_id").get<std::string>());
  SecretBytes ksNaf = deriveNafKey(ks, GbaKeyKind::Me, rand, v.at("impi").get<std::string>(), id);
  EXPECT_EQ(hexOf(ksNaf.view()), v.at("ks_naf_gba_me"));
  EXPECT_EQ(bootstrappingTransactionId(rand, "bsf.example.com"), v.at("b_tid"));
  EXPECT_EQ("3GPP-bootstrapping." + bootstrappingTransactionId(rand, "bsf.example.com"), v.at("psk_identity"));
}

TEST(GbaKeyDerivation, KsIntNafUsesGbaU) {
  // Ks_int_NAF = KDF(Ks, "gba-u", ...) (TS 33.220 B.3): the S string spelled out here by hand.
  auto v = gbaVector();
  SecretBytes ks = bootstrappedKey(SecretBytes(unhex(v.at("ck").get<std::string>())),
                                   SecretBytes(unhex(v.at("ik").get<std::string>())));
  auto rand = unhex(v.at("rand").get<std::string>());
  std::string impi = v.at("impi");
  Bytes id = unhex(v.at("naf_id").get<std::string>());
  Bytes s{0x01, 'g', 'b', 'a', '-', 'u', 0x00, 0x05};
  s.insert(s.end(), rand.begin(), rand.end());
  s.insert(s.end(), {0x00, 0x10});
  s.insert(s.end(), impi.begin(), impi.end());
  s.insert(s.end(), {0x00, static_cast<std::uint8_t>(impi.size())});
  s.insert(s.end(), id.begin(), id.end());
  s.insert(s.end(), {0x00, static_cast<std::uint8_t>(id.size())});
  SecretBytes expected = hmacSha256(ks.view(), {s});
  SecretBytes ksInt = deriveNafKey(ks, GbaKeyKind::U, rand, impi, id);
  EXPECT_EQ(hexOf(ksInt.view()), hexOf(expected.view()));
  EXPECT_NE(hexOf(ksInt.view()), v.at("ks_naf_gba_me"));
}

}  // namespace
}  // namespace rspf::crypto
