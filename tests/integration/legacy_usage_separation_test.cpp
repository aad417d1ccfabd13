// Usage separation under key_profile = "legacy" (issue 10 item 4): the seed's Kpsa (10.3.3) does not
// depend on the usage, so a target authorized for several usages of one Enrolee would accept the key
// obtained for one of them in another. The MEF serves that Kpsa for none of them.
#include <gtest/gtest.h>

#include "support/loopback_deployment.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kTarget = "cse1.test.example";

class LegacyUsageSeparation : public ::testing::Test {
 protected:
  void SetUp() override {
    d.addTargetIdentity(kTarget);
    store::EnrolmentPolicy both;
    both.directKeys = {{kTarget, "SAEF"}, {kTarget, "ESData"}};
    both.enrolmentExpiry = std::chrono::hours(1);
    d.addEnrolee("both.test.example", both);
    store::EnrolmentPolicy one;
    one.directKeys = {{kTarget, "ESData"}};
    one.enrolmentExpiry = std::chrono::hours(1);
    d.addEnrolee("one.test.example", one);
    d.startMef("key_profile = \"legacy\"");
    esdataTarget = d.startTarget(kTarget, "ESData");
  }
  LoopbackDeployment d;
  std::string esdataTarget;
};

TEST_F(LegacyUsageSeparation, AKeyForATargetOfSeveralUsagesIsNotServed) {
  ASSERT_EQ(d.enrol("both.test.example").exitCode, 0);
  // The SAEF key (equal to the ESData one under legacy) must not open the ESData target.
  for (const char* usage : {"SAEF", "ESData"}) {
    auto r = d.connect("both.test.example", esdataTarget, kTarget, {"--usage", usage});
    EXPECT_NE(r.exitCode, 0) << usage << ": " << r.out;
  }
  EXPECT_NE(d.mefLog().find("the Kpsa does not depend on the usage"), std::string::npos) << d.mefLog();
}

TEST_F(LegacyUsageSeparation, AKeyForATargetOfOneUsageIsServed) {
  ASSERT_EQ(d.enrol("one.test.example").exitCode, 0);
  auto r = d.connect("one.test.example", esdataTarget, kTarget);
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err << d.targetLog(kTarget);
}

}  // namespace
}  // namespace rspf::testing
