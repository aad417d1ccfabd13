// Milenage (TS 35.206) against the published test sets 1 and 2 of TS 35.207 (section 4; the same
// values appear in TS 35.208 section 4.3), as copied into tests/vectors/gba-milenage.json.
#include <gtest/gtest.h>

#include "crypto/milenage.hpp"
#include "support/expectations.hpp"
#include "support/gba_vectors.hpp"

namespace rspf::crypto {
namespace {

using rspf::testing::hexOf;
using rspf::testing::unhex;

SecretBytes secret(const nlohmann::json& v, const char* field) {
  return SecretBytes(unhex(v.at(field).get<std::string>()));
}

TEST(Milenage, ReproducesTs35207TestSets) {
  auto sets = rspf::testing::loadGbaMilenageVectors().at("milenage");
  ASSERT_EQ(sets.size(), 2u);
  for (const auto& v : sets) {
    SCOPED_TRACE(v.at("set").get<std::string>());
    auto op = unhex(v.at("op").get<std::string>());
    SecretBytes opc = deriveOpc(secret(v, "k"), op);
    EXPECT_EQ(hexOf(opc.view()), v.at("opc"));
    Milenage m(secret(v, "k"), opc);
    auto rand = unhex(v.at("rand").get<std::string>());
    auto sqn = unhex(v.at("sqn").get<std::string>());
    auto amf = unhex(v.at("amf").get<std::string>());
    EXPECT_EQ(hexOf(m.f1(rand, sqn, amf)), v.at("f1"));
    EXPECT_EQ(hexOf(m.f1star(rand, sqn, amf)), v.at("f1star"));
    auto keys = m.f2345(rand);
    EXPECT_EQ(hexOf(keys.res.view()), v.at("f2_res"));
    EXPECT_EQ(hexOf(keys.ck.view()), v.at("f3_ck"));
    EXPECT_EQ(hexOf(keys.ik.view()), v.at("f4_ik"));
    EXPECT_EQ(hexOf(keys.ak.view()), v.at("f5_ak"));
    EXPECT_EQ(hexOf(m.f5star(rand).view()), v.at("f5star"));
  }
}

TEST(Milenage, RefusesWrongSizes) {
  rspf::testing::expectError([] { Milenage(SecretBytes(15), SecretBytes(16)); }, ErrorCode::BadRequest, "K must be 16");
  Milenage m(SecretBytes(16), SecretBytes(16));
  rspf::testing::expectError([&] { m.f2345(Bytes(15)); }, ErrorCode::BadRequest, "RAND must be 16");
  rspf::testing::expectError([&] { deriveOpc(SecretBytes(16), Bytes(3)); }, ErrorCode::BadRequest, "OP must be 16");
}

}  // namespace
}  // namespace rspf::crypto
