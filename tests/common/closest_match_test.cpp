// "Did you mean": the nearest name to a mistyped one, for configuration keys and subcommands.
#include "common/closest_match.hpp"

#include <gtest/gtest.h>

namespace rspf {
namespace {

TEST(ClosestMatch, FindsTyposAndNothingFarAway) {
  std::vector<std::string> commands{"mef", "target", "enrol", "connect", "admin", "demo"};
  EXPECT_EQ(closestMatch("enroll", commands), "enrol");
  EXPECT_EQ(closestMatch("ENROL", commands), "enrol");
  EXPECT_EQ(closestMatch("tagret", commands), "target");
  EXPECT_EQ(closestMatch("xyzzy", commands), "");
  EXPECT_EQ(closestMatch("crl_file", {"crl", "sqlite"}), "crl");
  EXPECT_EQ(closestMatch("", commands), "");
}

}  // namespace
}  // namespace rspf
