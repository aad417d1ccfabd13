// Secrets at rest, in every backend: sealed under the KEK, bound to their row (store/sealing.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "common/error.hpp"
#include "crypto/encoding.hpp"
#include "store_contract.hpp"

namespace rspf::store {
namespace {

using testing::kT0;
using testing::sampleEnrolee;
using testing::sampleKey;

class StoreSecurity : public testing::StoreContract {
 protected:
  Error errorOf(auto&& f) {
    try {
      f();
    } catch (const Error& e) {
      return e;
    }
    ADD_FAILURE() << "no rspf::Error thrown";
    return Error(ErrorCode::Internal, "");
  }

  // Flips one bit in the middle of the sealed Kpm, under the store.
  void flipABitOfTheSealedKpm() {
    if (postgres()) {
      rawExecute("",
                 "UPDATE enrolees SET kpm_sealed = set_byte(kpm_sealed, length(kpm_sealed) / 2, "
                 "get_byte(kpm_sealed, length(kpm_sealed) / 2) # 1)");
      return;
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2((dir / "mef.db").c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    std::unique_ptr<sqlite3, decltype(&sqlite3_close_v2)> owner(db, &sqlite3_close_v2);
    sqlite3_stmt* raw = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT kpm_sealed FROM enrolees", -1, &raw, nullptr), SQLITE_OK);
    std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> select(raw, &sqlite3_finalize);
    ASSERT_EQ(sqlite3_step(raw), SQLITE_ROW);
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(raw, 0));
    crypto::Bytes sealed(p, p + sqlite3_column_bytes(raw, 0));
    select.reset();
    sealed[sealed.size() / 2] ^= 0x01;
    ASSERT_EQ(sqlite3_prepare_v2(db, "UPDATE enrolees SET kpm_sealed = ?1", -1, &raw, nullptr), SQLITE_OK);
    std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> update(raw, &sqlite3_finalize);
    sqlite3_bind_blob(raw, 1, sealed.data(), static_cast<int>(sealed.size()), SQLITE_TRANSIENT);
    ASSERT_EQ(sqlite3_step(raw), SQLITE_DONE);
  }
};

TEST_P(StoreSecurity, AnotherKeyEncryptionKeyIsRefused) {
  open()->addEnrolee(sampleEnrolee("a.example.com", "kpm-1"));
  const crypto::SecretBytes otherKek = crypto::randomSecret(32);
  Error e = errorOf([&] { openWith(KeyEncryptionKey(otherKek)); });
  EXPECT_EQ(e.code(), ErrorCode::Config);
  EXPECT_EQ(std::string(e.what()), "the key-encryption key does not match this store");
  // The right key still opens it.
  EXPECT_TRUE(open()->findEnrolee("a.example.com"));
}

TEST_P(StoreSecurity, ATamperedSealedColumnFailsToOpen) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("a.example.com", "kpm-1"));
  EnrolmentKey key = sampleKey("a.example.com");
  ASSERT_EQ(store->commitEnrolment(key, std::nullopt, kT0), TokenRefusal::None);

  rawExecute("UPDATE enrolment_keys SET ke_sealed = zeroblob(length(ke_sealed))",
             "UPDATE enrolment_keys SET ke_sealed = decode(repeat('00', length(ke_sealed)), 'hex')");
  Error e = errorOf([&] { store->findEnrolmentKey(key.relativeKeId); });
  EXPECT_EQ(e.code(), ErrorCode::Store);
  EXPECT_EQ(std::string(e.what()),
            "stored secret could not be decrypted (wrong key-encryption key, or the value was "
            "tampered with)");
  EXPECT_EQ(errorOf([&] { store->findEnrolmentKeyOf("a.example.com"); }).code(), ErrorCode::Store);
  EXPECT_EQ(errorOf([&] { store->findRetrievableKey(key.relativeKeId); }).code(), ErrorCode::Store);
}

TEST_P(StoreSecurity, ASealedValueFlippedByOneBitFailsToOpen) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("a.example.com", "kpm-1"));
  flipABitOfTheSealedKpm();

  EXPECT_EQ(errorOf([&] { store->findEnrolee("a.example.com"); }).code(), ErrorCode::Store);
  EXPECT_EQ(errorOf([&] { store->findEnroleeByKpmId("kpm-1"); }).code(), ErrorCode::Store);
  EXPECT_EQ(errorOf([&] { store->listEnrolees(); }).code(), ErrorCode::Store);
}

TEST_P(StoreSecurity, ASealedValueCopiedToAnotherRowFailsToOpen) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("a.example.com", "kpm-a"));
  store->addEnrolee(sampleEnrolee("b.example.com", "kpm-b"));
  EnrolmentKey keyA = sampleKey("a.example.com");
  EnrolmentKey keyB = sampleKey("b.example.com");
  ASSERT_EQ(store->commitEnrolment(keyA, std::nullopt, kT0), TokenRefusal::None);
  ASSERT_EQ(store->commitEnrolment(keyB, std::nullopt, kT0), TokenRefusal::None);

  rawExecute(
      "UPDATE enrolees SET kpm_sealed = (SELECT kpm_sealed FROM enrolees WHERE enrolee_id = "
      "'a.example.com') WHERE enrolee_id = 'b.example.com'");
  EXPECT_TRUE(store->findEnrolee("a.example.com"));
  EXPECT_EQ(errorOf([&] { store->findEnrolee("b.example.com"); }).code(), ErrorCode::Store);

  // Ke moved into the Kre column of the same row.
  rawExecute("UPDATE enrolment_keys SET kre_sealed = ke_sealed WHERE enrolee_id = 'a.example.com'");
  EXPECT_EQ(errorOf([&] { store->findEnrolmentKey(keyA.relativeKeId); }).code(), ErrorCode::Store);
  EXPECT_TRUE(store->findEnrolmentKey(keyB.relativeKeId));
  // B's Ke copied into A's row: Key Retrieval's read checks the row's name too.
  rawExecute(
      "UPDATE enrolment_keys SET ke_sealed = (SELECT ke_sealed FROM enrolment_keys WHERE enrolee_id = "
      "'b.example.com') WHERE enrolee_id = 'a.example.com'");
  EXPECT_EQ(errorOf([&] { store->findRetrievableKey(keyA.relativeKeId); }).code(), ErrorCode::Store);
  EXPECT_TRUE(store->findRetrievableKey(keyB.relativeKeId));
}

RSPF_STORE_CONTRACT(StoreSecurity);

}  // namespace
}  // namespace rspf::store
