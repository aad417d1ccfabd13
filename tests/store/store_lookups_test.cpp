// Lookups and refusals every backend answers alike: the Enrolee status without its Kpm, policies
// through the per-connection cache, an unknown Enrolee whatever its token.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "store_contract.hpp"

namespace rspf::store {
namespace {

using testing::kT0;
using testing::sampleEnrolee;
using testing::sampleKey;
using testing::sampleToken;

TokenUse use(std::string_view value) { return TokenUse{crypto::sha256(crypto::asBytes(value))}; }

class StoreLookups : public testing::StoreContract {};

TEST_P(StoreLookups, AnUnknownEnroleeIsNotFoundWhateverItsToken) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("a.example.com", "kpm-a"));
  EnrolmentToken bound = sampleToken("t1", "value-1");
  bound.boundEnroleeId = "a.example.com";
  store->addToken(bound);
  for (const char* value : {"value-1", "never-issued"}) {
    try {
      store->commitEnrolment(sampleKey("ghost.example.com"), use(value), kT0);
      ADD_FAILURE() << "committed for an unknown Enrolee";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::NotFound);
      EXPECT_EQ(std::string(e.what()), "Enrolee 'ghost.example.com' does not exist");
    }
  }
  EXPECT_FALSE(store->findToken("t1")->usedAt);
}

TEST_P(StoreLookups, EnroleeStatusHasThePolicyAndNeedsNoKpm) {
  auto store = open();
  Enrolee enrolee = sampleEnrolee("a.example.com", "kpm-a");
  store->addEnrolee(enrolee);
  store->addEnrolee(sampleEnrolee("b.example.com", ""));
  auto status = store->findEnroleeStatus("a.example.com");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->enroleeId, "a.example.com");
  EXPECT_TRUE(status->enabled);
  EXPECT_EQ(status->policy, enrolee.policy);
  EXPECT_TRUE(store->findEnroleeStatus("b.example.com"));
  EXPECT_FALSE(store->findEnroleeStatus("unknown.example.com"));

  EnrolmentPolicy policy;
  policy.registrarCseId = "other-cse.example.com";
  ASSERT_TRUE(store->setEnroleePolicy("a.example.com", policy));
  ASSERT_TRUE(store->setEnroleeEnabled("a.example.com", false));
  status = store->findEnroleeStatus("a.example.com");
  ASSERT_TRUE(status);
  EXPECT_FALSE(status->enabled);
  EXPECT_EQ(status->policy, policy);

  // A sealed Kpm that cannot be opened: findEnrolee fails, the status lookup does not open it.
  rawExecute("UPDATE enrolees SET kpm_sealed = zeroblob(length(kpm_sealed))",
             "UPDATE enrolees SET kpm_sealed = decode(repeat('00', length(kpm_sealed)), 'hex')");
  EXPECT_THROW(store->findEnrolee("a.example.com"), Error);
  status = store->findEnroleeStatus("a.example.com");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->policy, policy);
}

// Enrolees sharing one stored policy text, then one of them changed: each lookup has its own.
TEST_P(StoreLookups, LookupsSeeAChangedPolicyThroughTheCache) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("a.example.com", "kpm-a"));
  store->addEnrolee(sampleEnrolee("b.example.com", "kpm-b"));
  for (int i = 0; i < 10; ++i) {  // every read connection has seen the shared text
    EXPECT_EQ(store->findEnrolee("a.example.com")->policy, testing::samplePolicy());
    EXPECT_EQ(store->findEnroleeStatus("b.example.com")->policy, testing::samplePolicy());
  }
  EnrolmentPolicy changed = testing::samplePolicy();
  changed.directKeys.pop_back();
  ASSERT_TRUE(store->setEnroleePolicy("a.example.com", changed));
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(store->findEnroleeByKpmId("kpm-a")->policy, changed);
    EXPECT_EQ(store->findEnroleeStatus("a.example.com")->policy, changed);
    EXPECT_EQ(store->findEnroleeStatus("b.example.com")->policy, testing::samplePolicy());
  }
}

RSPF_STORE_CONTRACT(StoreLookups);

}  // namespace
}  // namespace rspf::store
