// The MEF as GBA NAF (seed 8.3.2.3; TS 33.222 5.4): psk_identity prefixes, NAF_Id with the negotiated
// suite, Ks_NAF caching bounded by the B-TID's expiry, IMPI -> Enrolee.
#include <gtest/gtest.h>

#include <thread>

#include "bootstrap/gba/gba_framework.hpp"
#include "common/error.hpp"
#include "crypto/encoding.hpp"
#include "crypto/gba_key_derivation.hpp"

namespace rspf::bootstrap {
namespace {

constexpr const char* kMef = "mef.test.example";
constexpr const char* kBtid = "I1U8vpY3qJ0hiuZNrke/NQ==@bsf.test.example";
constexpr std::uint16_t kSuite = 0x00ae;

class GbaFrameworkTest : public ::testing::Test {
 protected:
  GbaFramework framework(std::chrono::seconds cache = std::chrono::minutes(5)) {
    return GbaFramework(
        kMef,
        [this](const std::string& btid, crypto::ByteView nafId) -> std::optional<NafKeys> {
          ++fetches;
          lastNafId.assign(nafId.begin(), nafId.end());
          if (btid != kBtid) return std::nullopt;
          NafKeys k;
          k.ksNaf = crypto::SecretBytes(crypto::Bytes(32, 1));
          if (uicc) k.ksIntNaf = crypto::SecretBytes(crypto::Bytes(32, 2));
          k.impi = "impi@ims.test.example";
          k.expiry = expiry;
          return k;
        },
        [](std::string_view impi) -> std::optional<std::string> {
          if (impi == "impi@ims.test.example") return "cse1.test.example";
          return std::nullopt;
        },
        cache);
  }

  int fetches = 0;
  crypto::Bytes lastNafId;
  bool uicc = false;
  TimePoint expiry = now() + std::chrono::hours(1);
};

TEST_F(GbaFrameworkTest, ResolvesTheGbaIdentityWithKsNafOfTheSuite) {
  auto f = framework();
  auto r = f.resolveInHandshake(std::string("3GPP-bootstrapping.") + kBtid, {kSuite});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->framework, "gba");
  EXPECT_EQ(r->principal, "cse1.test.example");
  EXPECT_EQ(r->psk.view()[0], 1);
  EXPECT_EQ(r->attributes.at("btid"), kBtid);
  EXPECT_EQ(crypto::toHex(lastNafId), crypto::toHex(crypto::nafId(kMef, kSuite)));
}

TEST_F(GbaFrameworkTest, OtherIdentitiesAndMissingSuiteAreNotGba) {
  auto f = framework();
  EXPECT_FALSE(f.resolveInHandshake("cse1-kpm", {kSuite}));
  EXPECT_FALSE(f.resolveInHandshake("3GPP-bootstrapping.", {kSuite}));
  EXPECT_FALSE(f.resolve(std::string("3GPP-bootstrapping.") + kBtid));  // no handshake context
  EXPECT_FALSE(f.resolveInHandshake(std::string("3GPP-bootstrapping.") + kBtid, {0}));
  EXPECT_EQ(fetches, 0);
  EXPECT_FALSE(f.resolveInHandshake("3GPP-bootstrapping.unknown@bsf.test.example", {kSuite}));
}

TEST_F(GbaFrameworkTest, UiccIdentityUsesKsIntNafAndNeedsIt) {
  auto f = framework();
  EXPECT_FALSE(f.resolveInHandshake(std::string("3GPP-bootstrapping-uicc.") + kBtid, {kSuite}));
  uicc = true;
  auto g = framework();
  auto r = g.resolveInHandshake(std::string("3GPP-bootstrapping-uicc.") + kBtid, {kSuite});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->psk.view()[0], 2);
  EXPECT_EQ(r->attributes.at("gba"), "GBA_U");
}

TEST_F(GbaFrameworkTest, CachesPerSuiteAndNeverPastTheBtid) {
  expiry = now() + std::chrono::seconds(2);
  auto f = framework();
  std::string identity = std::string("3GPP-bootstrapping.") + kBtid;
  ASSERT_TRUE(f.resolveInHandshake(identity, {kSuite}));
  ASSERT_TRUE(f.resolveInHandshake(identity, {kSuite}));
  EXPECT_EQ(fetches, 1);
  ASSERT_TRUE(f.resolveInHandshake(identity, {0x00a8}));  // another suite is another NAF_Id
  EXPECT_EQ(fetches, 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  EXPECT_FALSE(f.resolveInHandshake(identity, {kSuite}));  // the BSF still answers, but expired
  EXPECT_EQ(fetches, 3);
}

TEST_F(GbaFrameworkTest, UnregisteredImpiAndZnFailuresRefuse) {
  auto unregistered = GbaFramework(
      kMef,
      [](const std::string&, crypto::ByteView) -> std::optional<NafKeys> {
        NafKeys k;
        k.ksNaf = crypto::SecretBytes(crypto::Bytes(32, 1));
        k.impi = "stranger@ims.test.example";
        k.expiry = now() + std::chrono::hours(1);
        return k;
      },
      [](std::string_view) -> std::optional<std::string> { return std::nullopt; });
  EXPECT_FALSE(unregistered.resolveInHandshake(std::string("3GPP-bootstrapping.") + kBtid, {kSuite}));
  auto failing = GbaFramework(
      kMef,
      [](const std::string&, crypto::ByteView) -> std::optional<NafKeys> {
        throw Error(ErrorCode::Unavailable, "the BSF cannot be reached");
      },
      [](std::string_view) -> std::optional<std::string> { return "x"; });
  EXPECT_FALSE(failing.resolveInHandshake(std::string("3GPP-bootstrapping.") + kBtid, {kSuite}));
}

}  // namespace
}  // namespace rspf::bootstrap
