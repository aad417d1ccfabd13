// crypto::HmacSha256Key: RFC 4231 vectors, a key used many times and from several threads.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "crypto/hmac_key.hpp"
#include "crypto/primitives.hpp"
#include "support/expectations.hpp"

namespace rspf::crypto {
namespace {

using rspf::testing::hexOf;

constexpr const char* kCase2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

TEST(HmacSha256Key, Rfc4231TestCase2SplitIntoParts) {
  const HmacSha256Key key(asBytes("Jefe"));
  EXPECT_EQ(hexOf(key.mac({asBytes("what do ya "), asBytes(""), asBytes("want for nothing?")}).view()), kCase2);
}

TEST(HmacSha256Key, Rfc4231TestCase6KeyLongerThanTheBlock) {
  const Bytes longKey(131, 0xaa);
  const HmacSha256Key key(longKey);
  EXPECT_EQ(hexOf(key.mac({asBytes("Test Using Larger Than Block-Size Key - Hash Key First")}).view()),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256Key, EveryMacStartsFromTheKeyNotFromThePreviousMessage) {
  const HmacSha256Key key(asBytes("Jefe"));
  const auto other = key.mac({asBytes("another message first")});
  EXPECT_EQ(hexOf(other.view()), hexOf(hmacSha256(asBytes("Jefe"), {asBytes("another message first")}).view()));
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(hexOf(key.mac({asBytes("what do ya want for nothing?")}).view()), kCase2) << "MAC number " << i;
}

TEST(HmacSha256Key, DifferentKeysGiveDifferentMacs) {
  const HmacSha256Key jefe(asBytes("Jefe")), jeff(asBytes("Jeff"));
  EXPECT_NE(hexOf(jefe.mac({asBytes("m")}).view()), hexOf(jeff.mac({asBytes("m")}).view()));
}

TEST(HmacSha256Key, SeveralThreadsMacUnderOneKeyAtOnce) {
  const HmacSha256Key key(asBytes("Jefe"));
  std::vector<std::string> results(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < results.size(); ++t)
    threads.emplace_back([&, t] {
      std::string last;
      for (int i = 0; i < 500; ++i) {
        last = hexOf(key.mac({asBytes("what do ya want for nothing?")}).view());
        if (last != kCase2) break;
      }
      results[t] = last;
    });
  for (auto& th : threads) th.join();
  for (const auto& r : results) EXPECT_EQ(r, kCase2);
}

}  // namespace
}  // namespace rspf::crypto
