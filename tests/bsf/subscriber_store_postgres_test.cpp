// The BSF's subscriber store on PostgreSQL: several BSF instances on one database (issue 12 item 4:
// two instances serving one subscriber never reuse a SQN), the same sealing as on SQLite.
#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <latch>
#include <set>

#include "bsf/subscriber_store.hpp"
#include "common/error.hpp"
#include "crypto/encoding.hpp"
#include "crypto/primitives.hpp"
#include "support/postgres_cluster.hpp"

namespace rspf::bsf {
namespace {

using rspf::testing::PostgresCluster;

store::StoreSettings settingsOf(const std::string& url) {
  store::StoreSettings s;
  s.url = url;
  s.poolSize = 4;
  return s;
}

Subscriber sampleSubscriber(std::uint64_t sqn) {
  Subscriber s;
  s.impi = "001010123456789@ims.mnc001.mcc001.3gppnetwork.org";
  s.k = crypto::randomSecret(16);
  s.opc = crypto::randomSecret(16);
  s.sqn = sqn;
  s.guss.nafFqdns = {"mef.example.com"};
  s.guss.uicc = true;
  return s;
}

class PostgresSubscriberStore : public ::testing::Test {
 protected:
  PostgresCluster& cluster = PostgresCluster::shared();
  std::string url = cluster.createDatabase();
  crypto::SecretBytes kek = crypto::randomSecret(32);
  std::string database() const {
    auto at = url.find("dbname=") + 7;
    return url.substr(at, url.find(' ', at) - at);
  }
};

TEST_F(PostgresSubscriberStore, TwoInstancesServingOneSubscriberNeverReuseASqn) {
  SubscriberStore first(settingsOf(url), store::KeyEncryptionKey(kek));
  SubscriberStore second(settingsOf(url), store::KeyEncryptionKey(kek));  // as another BSF process would
  const Subscriber s = sampleSubscriber(1000);
  first.addSubscriber(s);
  constexpr int kThreadsPerInstance = 4;
  constexpr int kSteps = 40;
  std::latch start(2 * kThreadsPerInstance);
  std::vector<std::future<std::vector<std::uint64_t>>> runs;
  for (SubscriberStore* instance : {&first, &second})
    for (int t = 0; t < kThreadsPerInstance; ++t)
      runs.push_back(std::async(std::launch::async, [&, instance] {
        start.arrive_and_wait();
        std::vector<std::uint64_t> got;
        for (int i = 0; i < kSteps; ++i) got.push_back(instance->nextSqn(s.impi));
        return got;
      }));
  std::set<std::uint64_t> all;
  std::size_t handedOut = 0;
  for (auto& r : runs) {
    auto got = r.get();
    EXPECT_TRUE(std::is_sorted(got.begin(), got.end()));  // each caller sees SQN_HE increase
    handedOut += got.size();
    all.insert(got.begin(), got.end());
  }
  constexpr std::size_t kTotal = 2 * kThreadsPerInstance * kSteps;
  EXPECT_EQ(handedOut, kTotal);
  EXPECT_EQ(all.size(), kTotal) << "a SQN was handed out twice";
  EXPECT_EQ(*all.begin(), 1001u);
  EXPECT_EQ(*all.rbegin(), 1000u + kTotal);
  EXPECT_EQ(second.findSubscriber(s.impi)->sqn, 1000u + kTotal);
}

TEST_F(PostgresSubscriberStore, SecretsAreSealedAndRoundTripAndAnotherKekIsRefused) {
  const Subscriber s = sampleSubscriber(7);
  {
    SubscriberStore store(settingsOf(url), store::KeyEncryptionKey(kek));
    store.addSubscriber(s);
    EXPECT_THROW(store.addSubscriber(s), Error);
    BootstrappingSession session{"btid@bsf.example.com",   s.impi, {1, 2, 3},
                                 crypto::randomSecret(32), true,   fromUnix(2'000'000'000)};
    store.saveSession(session);
    auto found = store.findSession(session.btid);
    ASSERT_TRUE(found);
    EXPECT_TRUE(std::ranges::equal(found->ks.view(), session.ks.view()));
    EXPECT_EQ(found->expiry, session.expiry);
    EXPECT_FALSE(store.findSession("unknown"));
    EXPECT_EQ(store.purgeExpiredSessions(fromUnix(2'000'000'001)), 1u);
    EXPECT_THROW(store.nextSqn("unknown@ims.example"), Error);
  }
  SubscriberStore reopened(settingsOf(url), store::KeyEncryptionKey(kek));
  auto found = reopened.findSubscriber(s.impi);
  ASSERT_TRUE(found);
  EXPECT_TRUE(std::ranges::equal(found->k.view(), s.k.view()));
  EXPECT_TRUE(std::ranges::equal(found->opc.view(), s.opc.view()));
  EXPECT_EQ(found->guss.nafFqdns, s.guss.nafFqdns);
  EXPECT_EQ(reopened.listSubscribers().size(), 1u);
  const std::string rows =
      cluster.sql(database(), "SELECT encode(k, 'hex') || encode(opc, 'hex') FROM bsf_subscribers");
  EXPECT_EQ(rows.find(crypto::toHex(s.k.view())), std::string::npos);
  EXPECT_EQ(rows.find(crypto::toHex(s.opc.view())), std::string::npos);

  try {
    SubscriberStore wrong(settingsOf(url), store::KeyEncryptionKey(crypto::randomSecret(32)));
    ADD_FAILURE() << "opened with another KEK";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Store);
    EXPECT_NE(std::string(e.what()).find("key-encryption key"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rspf::bsf
