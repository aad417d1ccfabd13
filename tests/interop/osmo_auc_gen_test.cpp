// Milenage and the AKA vector cross-checked against an independent implementation: libosmocore's
// `osmo-auc-gen` (Debian libosmocore-utils, installed by scripts/setup.sh; only run as a separate
// tool, never linked: libosmocore is GPL). Skipped when the tool is absent.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/child_process.hpp"
#include "crypto/aka.hpp"
#include "crypto/encoding.hpp"
#include "crypto/primitives.hpp"

namespace rspf::crypto {
namespace {

std::string field(const std::string& out, const std::string& name) {
  auto at = out.find("\n" + name + ":\t");
  if (at == std::string::npos) return {};
  at += name.size() + 3;
  return out.substr(at, out.find('\n', at) - at);
}

TEST(OsmoAucGen, AgreesOnRandomVectors) {
  ASSERT_TRUE(std::filesystem::exists("/usr/bin/osmo-auc-gen"))
      << "osmo-auc-gen is missing: scripts/setup.sh installs it (libosmocore-utils)";
  for (int i = 0; i < 8; ++i) {
    SecretBytes k = randomSecret(16), opc = randomSecret(16);
    Bytes rand = randomBytes(16);
    std::uint64_t sqn = (sqnValue(randomBytes(6)) >> 8) + 32;  // below 2^40: osmo-auc-gen's IND arithmetic
    auto out = runProcess({"osmo-auc-gen", "-3", "-a", "MILENAGE", "-k", toHex(k.view()), "-o", toHex(opc.view()), "-f",
                           "8000", "-s", std::to_string(sqn), "-r", toHex(rand)});
    ASSERT_EQ(out.exitCode, 0) << out.err;
    Milenage m(k, opc);
    auto av = generateAuthenticationVector(m, rand, sqn, Bytes{0x80, 0x00});
    EXPECT_EQ(field(out.out, "AUTN"), toHex(av.autn)) << out.out;
    EXPECT_EQ(field(out.out, "RES"), toHex(av.xres.view()));
    EXPECT_EQ(field(out.out, "CK"), toHex(av.ck.view()));
    EXPECT_EQ(field(out.out, "IK"), toHex(av.ik.view()));
    Bytes randAutn = rand;
    randAutn.insert(randAutn.end(), av.autn.begin(), av.autn.end());
    EXPECT_EQ(field(out.out, "IMS nonce"), toBase64(randAutn));  // RFC 3310 nonce, as the BSF sends it
  }
}

TEST(OsmoAucGen, ReadsOurAuts) {
  ASSERT_TRUE(std::filesystem::exists("/usr/bin/osmo-auc-gen"))
      << "osmo-auc-gen is missing: scripts/setup.sh installs it (libosmocore-utils)";
  SecretBytes k = randomSecret(16), opc = randomSecret(16);
  Bytes rand = randomBytes(16);
  Milenage m(k, opc);
  auto av = generateAuthenticationVector(m, rand, 3, Bytes{0x80, 0x00});
  auto usim = authenticate(m, av.rand, av.autn, 1000);  // the USIM is ahead: AUTS
  ASSERT_EQ(usim.outcome, AkaResult::Outcome::SynchronisationFailure);
  auto out = runProcess({"osmo-auc-gen", "-3", "-a", "MILENAGE", "-k", toHex(k.view()), "-o", toHex(opc.view()), "-f",
                         "8000", "-r", toHex(rand), "-A", toHex(usim.auts)});
  // It recovers SQN_MS from AUTS after checking MAC-S ("AUTS from MS seems incorrect" otherwise).
  EXPECT_EQ(field(out.out, "SQN.MS"), "1000") << out.out << out.err;
  EXPECT_EQ((out.out + out.err).find("incorrect"), std::string::npos) << out.out << out.err;
}

}  // namespace
}  // namespace rspf::crypto
