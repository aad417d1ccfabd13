// The originator an Enrolee is forwarded with (issue 15 item 2), and the claims and deny-list
// entries that are refused.
#include "cse_front/originator_policy.hpp"

#include <gtest/gtest.h>

namespace rspf::cse_front {
namespace {

TEST(OriginatorPolicy, WithoutAMappingTheEnroleeIdIsTheOriginator) {
  OriginatorPolicy p({}, {});
  EXPECT_EQ(p.originatorOf("ae1.test.example"), "ae1.test.example");
}

TEST(OriginatorPolicy, PrefixAndStrippedSuffixGiveTheCseForm) {
  OriginatorPolicy p({"C", ".test.example"}, {});
  EXPECT_EQ(p.originatorOf("ae1.test.example"), "Cae1");
  EXPECT_EQ(p.originatorOf("ae1.TEST.example"), "Cae1");  // domain names compare case-insensitively
  EXPECT_EQ(p.originatorOf("ae1.other.example"), "Cae1.other.example");
  EXPECT_EQ(p.originatorOf(".test.example"), "C.test.example");  // never an empty base
  OriginatorPolicy s({"S", ""}, {});
  EXPECT_EQ(s.originatorOf("sensor7"), "Ssensor7");
}

TEST(OriginatorPolicy, AClaimMayOnlyNameTheAuthenticatedEnrolee) {
  OriginatorPolicy p({"C", ".test.example"}, {});
  EXPECT_EQ(p.refusal("ae1.test.example", std::nullopt), std::nullopt);
  EXPECT_EQ(p.refusal("ae1.test.example", std::string("")), std::nullopt);
  EXPECT_EQ(p.refusal("ae1.test.example", std::string("Cae1")), std::nullopt);
  EXPECT_EQ(p.refusal("ae1.test.example", std::string("ae1.test.example")), std::nullopt);
  EXPECT_EQ(p.refusal("ae1.test.example", std::string("Cae2")), "originator does not match the authenticated Enrolee");
  EXPECT_EQ(p.refusal("ae1.test.example", std::string("cae1")), "originator does not match the authenticated Enrolee");
  EXPECT_EQ(p.refusal("ae1.test.example", std::string("CAdmin")),
            "originator does not match the authenticated Enrolee");
}

TEST(OriginatorPolicy, ADeniedOriginatorIsNeverAnEnrolees) {
  OriginatorPolicy p({"C", ".test.example"}, {"CAdmin", "/id-in", "Csys*"});
  EXPECT_TRUE(p.denied("CAdmin"));
  EXPECT_TRUE(p.denied("cadmin"));
  EXPECT_TRUE(p.denied("/id-in"));
  EXPECT_TRUE(p.denied("Csys"));
  EXPECT_TRUE(p.denied("CSYStem-monitor"));
  EXPECT_FALSE(p.denied("CAdmin2"));
  EXPECT_FALSE(p.denied("Cae1"));
  // An Enrolee whose ID maps onto the admin is refused, with or without a claim.
  EXPECT_EQ(p.refusal("Admin.test.example", std::nullopt),
            "the authenticated Enrolee's originator is a privileged originator of the CSE");
  EXPECT_EQ(p.refusal("Admin.test.example", std::string("CAdmin")),
            "the authenticated Enrolee's originator is a privileged originator of the CSE");
  EXPECT_EQ(p.refusal("system1.test.example", std::nullopt),
            "the authenticated Enrolee's originator is a privileged originator of the CSE");
  EXPECT_EQ(p.refusal("ae1.test.example", std::nullopt), std::nullopt);
}

}  // namespace
}  // namespace rspf::cse_front
