// A target's first-contact key fetch off the network thread (issue 10 item 10), against a MEF that
// answers slowly: concurrent first contacts for one KeId share one fetch; the handshake's resolve()
// then answers from what that fetch found (the key, or the refusal) without a second round trip;
// a cached key that is due for revalidation is confirmed by prepare() too, and a key the MEF no
// longer serves is erased and refused.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <thread>

#include "common/error.hpp"
#include "crypto/identifiers.hpp"
#include "target/enrolment_target_framework.hpp"

namespace rspf::target {
namespace {

constexpr const char* kMef = "mef.example.com";
constexpr const char* kRelative = "0123456789abcdef0123456789abcdef";

OwnEnrolment nowhere() {
  OwnEnrolment c;
  c.mefUrl = "https://127.0.0.1:1";
  c.mefFqdn = kMef;
  c.expiry = now() + std::chrono::hours(1);
  return c;
}

// A MEF that takes 300 ms per Key Retrieval and serves kRelative's key while `serving`.
class SlowMef : public MefKeyFetcher {
 public:
  SlowMef() : MefKeyFetcher("cse-target.example.com", nowhere()) {}
  ProvisionedKey fetch(const std::string& keId, int) const override {
    ++calls;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    if (!serving || keId != crypto::makeKeId(kRelative, kMef)) throw Error(ErrorCode::NotFound, "no such key");
    ProvisionedKey key;
    key.key = crypto::SecretBytes(crypto::Bytes(32, 7));
    key.enroleeId = "cse1.example.com";
    key.credentialId = "credential-1";
    key.lifetime = now() + std::chrono::hours(1);
    return key;
  }
  mutable std::atomic<int> calls{0};
  std::atomic<bool> serving{true};
};

// Counts `ready` calls and waits for them.
struct Waiters {
  std::function<void()> one() {
    return [this] {
      std::lock_guard lock(mutex);
      ++ready;
      changed.notify_all();
    };
  }
  bool waitFor(int n) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(5), [&] { return ready >= n; });
  }
  std::mutex mutex;
  std::condition_variable changed;
  int ready = 0;
};

class FirstContactFetch : public ::testing::Test {
 protected:
  SlowMef mef;
  ProvisionedKeyCache cache;
  ServiceSubscribedAppRule rule;
  EnrolmentTargetFramework framework{kMef, 22, mef, cache, rule, std::chrono::seconds(1)};
  const std::string keId = crypto::makeKeId(kRelative, kMef);
};

TEST_F(FirstContactFetch, EightConcurrentFirstContactsShareOneFetchAndResolveFetchesNothingMore) {
  Waiters waiters;
  std::vector<std::thread> handshakes;
  std::atomic<int> held{0};
  for (int i = 0; i < 8; ++i) handshakes.emplace_back([&] { held += framework.prepare(keId, waiters.one()) ? 1 : 0; });
  for (auto& t : handshakes) t.join();
  EXPECT_EQ(held, 8);
  ASSERT_TRUE(waiters.waitFor(8));
  EXPECT_EQ(mef.calls, 1);
  EXPECT_EQ(framework.preparedFetches(), 1u);
  auto resolved = framework.resolve(keId);
  ASSERT_TRUE(resolved);
  EXPECT_EQ(resolved->principal, "cse1.example.com");
  EXPECT_EQ(mef.calls, 1);
  // At hand now: nothing to prepare.
  EXPECT_FALSE(framework.prepare(keId, waiters.one()));
}

TEST_F(FirstContactFetch, AKeyTheMefDoesNotServeIsRefusedWithoutASecondRoundTrip) {
  mef.serving = false;
  Waiters waiters;
  ASSERT_TRUE(framework.prepare(keId, waiters.one()));
  ASSERT_TRUE(waiters.waitFor(1));
  EXPECT_FALSE(framework.resolve(keId));
  EXPECT_EQ(mef.calls, 1);
  // Another identity of another MEF, or malformed: refused by resolve() at once, nothing prepared.
  EXPECT_FALSE(framework.prepare(crypto::makeKeId(kRelative, "other-mef.example.com"), waiters.one()));
  EXPECT_FALSE(framework.prepare("not an identifier", waiters.one()));
}

TEST_F(FirstContactFetch, ARevalidationDueIsRunByPrepareAndAKeyNoLongerServedIsErased) {
  Waiters waiters;
  ASSERT_TRUE(framework.prepare(keId, waiters.one()));
  ASSERT_TRUE(waiters.waitFor(1));
  ASSERT_TRUE(framework.resolve(keId));
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // past revalidateAfter and kRecentFetch
  mef.serving = false;                                           // the Enrolee was disabled at the MEF
  ASSERT_TRUE(framework.prepare(keId, waiters.one()));
  ASSERT_TRUE(waiters.waitFor(2));
  EXPECT_EQ(mef.calls, 2);
  EXPECT_FALSE(framework.resolve(keId));
  EXPECT_EQ(mef.calls, 2);
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(FirstContactFetch, StoppingWaitsForTheFetchesStartedAndRefusesNewOnes) {
  Waiters waiters;
  ASSERT_TRUE(framework.prepare(keId, waiters.one()));
  framework.stopPreparing();
  EXPECT_EQ(waiters.ready, 1);  // its handshake was completed before stopPreparing returned
  EXPECT_FALSE(framework.prepare(crypto::makeKeId("fedcba9876543210fedcba9876543210", kMef), waiters.one()));
}

}  // namespace
}  // namespace rspf::target
