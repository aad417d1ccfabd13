// The target's own enrolment with the MEF (seed 8.3.3.6 pre-conditions) comes from the
// OwnEnrolmentSource it is given (issue 11: the target includes no Enrolee code): obtained once when
// it starts, then re-keyed (issue 10 item 1) through renew() with the enrolment its key fetcher
// holds, so each renewal is handed the one the previous renewal returned. Enrolling and keeping the
// credential file are the source's: the target writes none itself.
#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"
#include "target/enrolment_target_server.hpp"

namespace rspf::target {
namespace {

// Enrolments "kre-0" (obtained), "kre-1", "kre-2" (renewed), each with Kre bytes all equal to its
// number. The first renewal is due at once (renew_before 1h of a 1h enrolment); the last is not.
class FakeOwnEnrolment : public OwnEnrolmentSource {
 public:
  OwnEnrolment obtain() override {
    ++obtained;
    return enrolment(0, std::chrono::hours(1));
  }
  OwnEnrolment renew(const OwnEnrolment& current) override {
    std::lock_guard lock(mutex);
    renewedFrom.push_back(current.kreId);
    renewedKre.push_back(crypto::Bytes(current.kre.view().begin(), current.kre.view().end()));
    changed.notify_all();
    int next = static_cast<int>(renewedFrom.size());
    return enrolment(next, next < 2 ? std::chrono::hours(1) : std::chrono::hours(100));
  }
  bool waitForRenewals(std::size_t n) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(10), [&] { return renewedFrom.size() >= n; });
  }

  int obtained = 0;
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> renewedFrom;
  std::vector<crypto::Bytes> renewedKre;

 private:
  static OwnEnrolment enrolment(int n, std::chrono::hours lifetime) {
    OwnEnrolment e;
    e.mefUrl = "https://127.0.0.1:1";  // never contacted: no Enrolee connects
    e.mefFqdn = "mef.example.com";
    e.kreId = "kre-" + std::to_string(n);
    e.kre = crypto::SecretBytes(crypto::Bytes(32, static_cast<std::uint8_t>(n)));
    e.enrolledAt = now();
    e.expiry = now() + lifetime;
    return e;
  }
};

TEST(OwnEnrolmentSource, TheTargetObtainsItsEnrolmentOnceAndRenewsTheOneItsFetcherHolds) {
  testing::TempDir dir;
  TargetConfig config;
  config.id = "cse-target.example.com";
  config.port = 0;
  config.threads = 1;
  config.mefUrl = "https://127.0.0.1:1";
  config.mefFqdn = "mef.example.com";
  config.credentialFile = dir / "target.credentials";
  config.renewBefore.before = std::chrono::hours(1);
  FakeOwnEnrolment source;
  {
    EnrolmentTargetServer server(config, source);
    EXPECT_EQ(source.obtained, 1);
    server.start();
    ASSERT_TRUE(source.waitForRenewals(2));
    server.stop();
  }
  EXPECT_EQ(source.obtained, 1);
  std::lock_guard lock(source.mutex);
  EXPECT_EQ(source.renewedFrom, (std::vector<std::string>{"kre-0", "kre-1"}));
  EXPECT_EQ(source.renewedKre, (std::vector<crypto::Bytes>{crypto::Bytes(32, 0), crypto::Bytes(32, 1)}));
  EXPECT_FALSE(std::filesystem::exists(config.credentialFile));
}

}  // namespace
}  // namespace rspf::target
