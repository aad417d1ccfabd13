// The Enrolee's GBA state on disk: the simulated USIM (0600, SQN written back) and the kept Ks/B-TID
// (sealed under the credential key).
#include <gtest/gtest.h>

#include <fstream>

#include "common/private_file.hpp"
#include "crypto/aka.hpp"
#include "crypto/encoding.hpp"
#include "enrolee/gba_bootstrap.hpp"
#include "support/expectations.hpp"
#include "support/temp_dir.hpp"

namespace rspf::enrolee {
namespace {

using rspf::testing::expectError;
using rspf::testing::unhex;

crypto::SecretBytes k() { return crypto::SecretBytes(unhex("465b5ce8b199b49faa5f0a2ee238a6bc")); }
crypto::SecretBytes opc() { return crypto::SecretBytes(unhex("cd63cb71954a9f4e48a5994e37a02baf")); }

TEST(SimulatedUsimFile, KeepsTheAcceptedSqnAndRefusesReplays) {
  rspf::testing::TempDir dir;
  SimulatedUsim::create(dir / "ue.usim", "impi@ims.test.example", k(), opc(), 7);
  auto usim = SimulatedUsim::load(dir / "ue.usim");
  EXPECT_EQ(usim.impi(), "impi@ims.test.example");
  crypto::Milenage hss(k(), opc());
  auto av = crypto::generateAuthenticationVector(hss, crypto::Bytes(16, 9), 8, unhex("8000"));
  EXPECT_EQ(usim.authenticate(av.rand, av.autn).outcome, crypto::AkaResult::Outcome::Success);
  EXPECT_EQ(SimulatedUsim::load(dir / "ue.usim").sqn(), 8u);  // persisted
  auto again = SimulatedUsim::load(dir / "ue.usim");
  EXPECT_EQ(again.authenticate(av.rand, av.autn).outcome, crypto::AkaResult::Outcome::SynchronisationFailure);
  auto text = readFile(dir / "ue.usim");
  EXPECT_NE(text.find("\"sqn\": 8"), std::string::npos) << text;
}

TEST(SimulatedUsimFile, RefusesAReadableFile) {
  rspf::testing::TempDir dir;
  SimulatedUsim::create(dir / "ue.usim", "impi", k(), opc(), 0);
  std::filesystem::permissions(dir / "ue.usim", std::filesystem::perms::group_read, std::filesystem::perm_options::add);
  expectError([&] { SimulatedUsim::load(dir / "ue.usim"); }, ErrorCode::Config, "chmod 600");
}

TEST(BootstrappedKeyFileTest, SealsKsAndRoundTrips) {
  rspf::testing::TempDir dir;
  BootstrappedKeyFile file{dir / "c.json.gba", CredentialFile{dir / "c.json", std::nullopt}};
  EXPECT_FALSE(file.load());
  BootstrappedKey key{"AAAA@bsf", "impi", crypto::Bytes(16, 3), crypto::SecretBytes(crypto::Bytes(32, 0x5a)),
                      now() + std::chrono::hours(1)};
  file.save(key);
  auto text = readFile(dir / "c.json.gba");
  EXPECT_EQ(text.find(crypto::toHex(key.ks.view())), std::string::npos);
  EXPECT_EQ(text.find(crypto::toBase64(key.ks.view())), std::string::npos);
  auto loaded = file.load();
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->btid, key.btid);
  EXPECT_EQ(crypto::toHex(loaded->ks.view()), crypto::toHex(key.ks.view()));
  EXPECT_EQ(loaded->expiry, key.expiry);
  // Another credential key cannot open it.
  std::filesystem::remove(dir / "c.json.key");
  BootstrappedKeyFile other{dir / "c.json.gba", CredentialFile{dir / "other.json", std::nullopt}};
  (void)credentialKey(other.sealedWith, true);
  expectError([&] { other.load(); }, ErrorCode::Config, "cannot be opened");
}

}  // namespace
}  // namespace rspf::enrolee
