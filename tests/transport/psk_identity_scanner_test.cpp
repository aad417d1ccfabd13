// tls/psk_identity_scanner: the PSK identity read from what OpenSSL's s_client really sent
// (tests/vectors/tls), whole or one byte at a time, and nothing from bytes that are not a client's
// plaintext flights.
#include "tls/psk_identity_scanner.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include "support/test_paths.hpp"

namespace rspf::tls {
namespace {

constexpr const char* kIdentity = "0123456789abcdef0123456789abcdef@mef.example.com";

crypto::Bytes recorded(const std::string& name) {
  std::ifstream in(std::string(RSPF_VECTORS_DIR) + "/tls/client-flights-" + name + ".bin", std::ios::binary);
  return crypto::Bytes(std::istreambuf_iterator<char>(in), {});
}

std::optional<PskIdentityScanner::Found> scan(const crypto::Bytes& bytes, std::size_t piece) {
  PskIdentityScanner scanner;
  for (std::size_t at = 0; at < bytes.size() && !scanner.done(); at += piece)
    if (auto f = scanner.feed(crypto::ByteView(bytes).subspan(at, std::min(piece, bytes.size() - at)))) return f;
  return std::nullopt;
}

// A handshake record holding one ClientKeyExchange whose psk_identity is `identity`.
crypto::Bytes clientKeyExchange(const std::string& identity) {
  const std::size_t body = 2 + identity.size();
  crypto::Bytes out = {22,
                       3,
                       3,
                       static_cast<std::uint8_t>((body + 4) >> 8),
                       static_cast<std::uint8_t>(body + 4),
                       16,
                       0,
                       static_cast<std::uint8_t>(body >> 8),
                       static_cast<std::uint8_t>(body),
                       static_cast<std::uint8_t>(identity.size() >> 8),
                       static_cast<std::uint8_t>(identity.size())};
  for (char c : identity) out.push_back(static_cast<std::uint8_t>(c));  // (insert: GCC 12 -Warray-bounds)
  return out;
}

TEST(PskIdentityScanner, Tls12PskAndEcdhePskClientKeyExchangesNameTheIdentity) {
  for (const char* name : {"tls12_psk", "tls12_ecdhe_psk"}) {
    auto bytes = recorded(name);
    ASSERT_GT(bytes.size(), 100u) << name;
    for (std::size_t piece : {bytes.size(), std::size_t{1}, std::size_t{7}}) {
      auto found = scan(bytes, piece);
      ASSERT_TRUE(found) << name << " in pieces of " << piece;
      EXPECT_EQ(found->source, PskIdentityScanner::Source::ClientKeyExchange);
      EXPECT_EQ(found->identity, kIdentity);
    }
  }
}

TEST(PskIdentityScanner, Tls13ClientHelloNamesTheIdentityOfItsPreSharedKeyExtension) {
  auto bytes = recorded("tls13_psk");
  for (std::size_t piece : {bytes.size(), std::size_t{1}, std::size_t{13}}) {
    auto found = scan(bytes, piece);
    ASSERT_TRUE(found) << piece;
    EXPECT_EQ(found->source, PskIdentityScanner::Source::ClientHello);
    EXPECT_EQ(found->identity, kIdentity);
  }
}

TEST(PskIdentityScanner, AClientHelloWithoutAPskNamesNothingAndAfterChangeCipherSpecNothingIsRead) {
  PskIdentityScanner scanner;
  crypto::Bytes changeCipherSpec = {20, 3, 3, 0, 1, 1};
  EXPECT_FALSE(scanner.feed(changeCipherSpec));
  EXPECT_TRUE(scanner.done());
  EXPECT_FALSE(scanner.feed(clientKeyExchange(kIdentity)));  // encrypted from here on: not looked at
}

TEST(PskIdentityScanner, MalformedOversizedAndEmptyIdentitiesAreNotReported) {
  EXPECT_FALSE(scan(clientKeyExchange(std::string(PskIdentityScanner::kMaxIdentityBytes + 1, 'a')), 1000));
  EXPECT_FALSE(scan(clientKeyExchange(""), 1000));
  auto bytes = clientKeyExchange(kIdentity);
  bytes[10] = 0xff;  // the identity's length runs past the message
  EXPECT_FALSE(scan(bytes, 1000));
  crypto::Bytes garbage(300, 0x41);
  PskIdentityScanner scanner;
  EXPECT_FALSE(scanner.feed(garbage));
  EXPECT_TRUE(scanner.done());
  // A record that claims more than a TLS record may hold stops the scan at once.
  PskIdentityScanner huge;
  crypto::Bytes tooLong = {22, 3, 3, 0xff, 0xff};
  EXPECT_FALSE(huge.feed(tooLong));
  EXPECT_TRUE(huge.done());
}

TEST(PskIdentityScanner, ItNeverBuffersMoreThanItsBound) {
  PskIdentityScanner scanner;
  // A handshake message announced as 16 MiB, fed in records: refused once past the bound.
  crypto::Bytes header = {22, 3, 3, 0x40, 0x00, 1, 0xff, 0xff, 0xff};
  header.resize(5 + 0x4000, 0);
  EXPECT_FALSE(scanner.feed(header));
  EXPECT_TRUE(scanner.done());
}

}  // namespace
}  // namespace rspf::tls
