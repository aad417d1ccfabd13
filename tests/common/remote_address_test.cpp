#include "common/remote_address.hpp"

#include <gtest/gtest.h>

namespace rspf {
namespace {

TEST(RemoteAddress, ThePortIsLeftOut) {
  EXPECT_EQ(addressOf("192.0.2.1:4000"), "192.0.2.1");
  EXPECT_EQ(addressOf("[2001:db8::1]:4000"), "2001:db8::1");
  EXPECT_EQ(addressOf("2001:db8::1"), "2001:db8::1");
  EXPECT_EQ(addressOf("192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(addressOf(""), "");
  EXPECT_EQ(addressOf("[broken"), "broken");
}

}  // namespace
}  // namespace rspf
