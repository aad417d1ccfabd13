// Store::updateEnroleePolicy (issue 9 item 5): read-modify-write in one transaction. Two stores on one
// file (as two processes) changing one Enrolee at once lose no change; a change that throws changes
// nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "common/error.hpp"
#include "sqlite_store_fixture.hpp"

namespace rspf::store {
namespace {

class SqliteStorePolicyUpdate : public testing::SqliteStoreTest {};

TEST_F(SqliteStorePolicyUpdate, ConcurrentChangesFromTwoConnectionsAreAllKept) {
  auto a = open();
  auto b = open();
  a->addEnrolee(testing::sampleEnrolee("ae1.example.com", "ae1-kpm"));
  const auto initial = a->findEnrolee("ae1.example.com")->policy.directKeys.size();
  constexpr int kChanges = 40;
  auto writer = [](Store& store, const std::string& prefix) {
    for (int i = 0; i < kChanges; ++i)
      ASSERT_TRUE(store.updateEnroleePolicy("ae1.example.com", [&](EnrolmentPolicy& p) {
        p.directKeys.push_back({prefix + std::to_string(i) + ".example.com", "SAEF"});
      }));
  };
  std::thread first(writer, std::ref(*a), "a"), second(writer, std::ref(*b), "b");
  first.join();
  second.join();
  auto keys = a->findEnrolee("ae1.example.com")->policy.directKeys;
  EXPECT_EQ(keys.size(), initial + 2u * kChanges);
  for (int i = 0; i < kChanges; ++i)
    for (const char* prefix : {"a", "b"})
      EXPECT_NE(std::find(keys.begin(), keys.end(), DirectKeyPair{prefix + std::to_string(i) + ".example.com", "SAEF"}),
                keys.end());
}

TEST_F(SqliteStorePolicyUpdate, AChangeThatThrowsChangesNothingAndUnknownEnroleesAreNullopt) {
  auto store = open();
  store->addEnrolee(testing::sampleEnrolee("ae1.example.com", "ae1-kpm"));
  const auto before = store->findEnrolee("ae1.example.com")->policy;
  EXPECT_THROW(store->updateEnroleePolicy("ae1.example.com",
                                          [](EnrolmentPolicy& p) {
                                            p.registrarCseId = "changed.example.com";
                                            throw Error(ErrorCode::BadRequest, "refused");
                                          }),
               Error);
  EXPECT_EQ(store->findEnrolee("ae1.example.com")->policy, before);
  EXPECT_FALSE(store->updateEnroleePolicy("nobody.example.com", [](EnrolmentPolicy&) {}));
  auto stored =
      store->updateEnroleePolicy("ae1.example.com", [](EnrolmentPolicy& p) { p.registrarCseId = "r.example.com"; });
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->registrarCseId, "r.example.com");
  EXPECT_EQ(store->findEnrolee("ae1.example.com")->policy.registrarCseId, "r.example.com");
}

}  // namespace
}  // namespace rspf::store
