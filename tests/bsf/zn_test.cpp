// Zn (PROTOCOL.md 6): Ks_NAF only to an authenticated NAF whose certificate names the NAF_Id's
// FQDN, within the GUSS, for a live B-TID.
#include "bsf_test_support.hpp"
#include "crypto/aka.hpp"
#include "crypto/gba_key_derivation.hpp"

#include <nlohmann/json.hpp>

#include "transport/https/query_string.hpp"

namespace rspf::bsf {
namespace {

using rspf::testing::expectError;

class Zn : public InProcessBsf {
 protected:
  // Bootstraps through Ub; returns the B-TID and keeps Ks.
  std::string bootstrap() {
    auto c = challengeOf(ub->handle(ubRequest(initialAuthorization())));
    auto aka = crypto::authenticate(crypto::Milenage(set1K(), set1Opc()), c.rand, c.autn, sqnMs);
    sqnMs = aka.sqn;
    EXPECT_EQ(ub->handle(ubRequest(answer(c, aka.res.view()))).status, 200);
    ks = crypto::bootstrappedKey(aka.ck, aka.ik);
    rand = c.rand;
    return crypto::bootstrappingTransactionId(c.rand, kBsfFqdn);
  }
  transport::HttpRequest keys(const std::string& btid, const std::string& fqdn = kNafFqdn) {
    return {"GET",
            "/zn/keys?btid=" + transport::percentEncode(btid) + "&nafId=" + crypto::toHex(crypto::nafId(fqdn, 0x00ae)),
            {},
            ""};
  }
  std::uint64_t sqnMs = 0;
  crypto::SecretBytes ks;
  crypto::Bytes rand;
};

TEST_F(Zn, GivesKsNafOfTheNafId) {
  auto btid = bootstrap();
  auto r = zn->handle(naf(), keys(btid));
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = nlohmann::json::parse(r.body);
  auto expected = crypto::deriveNafKey(ks, crypto::GbaKeyKind::Me, rand, kImpi, crypto::nafId(kNafFqdn, 0x00ae));
  EXPECT_EQ(body["ksNaf"], crypto::toBase64(expected.view()));
  EXPECT_EQ(body["impi"], kImpi);
  EXPECT_TRUE(parseRfc3339(body["expiry"].get<std::string>()));
  EXPECT_FALSE(body.contains("ksIntNaf"));
}

TEST_F(Zn, RefusesAnUnauthenticatedClient) {
  auto btid = bootstrap();
  expectError([&] { zn->handle(tls::AuthenticatedPeer{}, keys(btid)); }, ErrorCode::Unauthorized, "certificate");
}

TEST_F(Zn, RefusesANafAskingForAnotherNafsKey) {
  auto btid = bootstrap();
  expectError([&] { zn->handle(naf("other.test.example"), keys(btid)); }, ErrorCode::Forbidden, "does not name");
}

TEST_F(Zn, RefusesANafOutsideTheGuss) {
  auto btid = bootstrap();
  expectError([&] { zn->handle(naf("evil.test.example"), keys(btid, "evil.test.example")); }, ErrorCode::Forbidden,
              "User Security Settings");
}

TEST_F(Zn, UnknownOrExpiredBtidIs404) {
  expectError([&] { zn->handle(naf(), keys("AAAA@bsf.test.example")); }, ErrorCode::NotFound, "unknown or expired");
  auto btid = bootstrap();
  auto session = store->findSession(btid);
  session->expiry = now() - std::chrono::seconds(1);
  store->saveSession(*session);
  expectError([&] { zn->handle(naf(), keys(btid)); }, ErrorCode::NotFound, "unknown or expired");
}

TEST_F(Zn, MalformedNafIdIs400) {
  auto btid = bootstrap();
  expectError(
      [&] {
        zn->handle(naf(), {"GET", "/zn/keys?btid=x&nafId=zz", {}, ""});
      },
      ErrorCode::BadRequest, "annex H");
}

TEST_F(Zn, GbaUSubscriberAlsoGetsKsIntNaf) {
  Subscriber s;
  s.impi = "uicc@ims.test.example";
  s.k = set1K();
  s.opc = set1Opc();
  s.guss = {{kNafFqdn}, true};
  store->addSubscriber(s);
  auto c = challengeOf(ub->handle(ubRequest(initialAuthorization(s.impi))));
  auto aka = crypto::authenticate(crypto::Milenage(set1K(), set1Opc()), c.rand, c.autn, 0);
  ASSERT_EQ(ub->handle(ubRequest(answer(c, aka.res.view(), nullptr, s.impi))).status, 200);
  auto r = zn->handle(naf(), keys(crypto::bootstrappingTransactionId(c.rand, kBsfFqdn)));
  auto body = nlohmann::json::parse(r.body);
  auto ksInt = crypto::deriveNafKey(crypto::bootstrappedKey(aka.ck, aka.ik), crypto::GbaKeyKind::U, c.rand, s.impi,
                                    crypto::nafId(kNafFqdn, 0x00ae));
  EXPECT_EQ(body["ksIntNaf"], crypto::toBase64(ksInt.view()));
  EXPECT_EQ(body["uicc"], true);
}

TEST(SubscriberStoreKek, AWrongKekIsRefused) {
  rspf::testing::TempDir dir;
  { SubscriberStore s(dir / "bsf.db", store::KeyEncryptionKey(crypto::randomSecret(32))); }
  rspf::testing::expectError(
      [&] { SubscriberStore(dir / "bsf.db", store::KeyEncryptionKey(crypto::randomSecret(32))); }, ErrorCode::Store,
      "key-encryption key");
}

}  // namespace
}  // namespace rspf::bsf
