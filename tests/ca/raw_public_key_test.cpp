// RFC 6920 ni names of raw public keys, against the value the openssl command line computes.
#include <gtest/gtest.h>

#include "ca/key_pair.hpp"
#include "ca/raw_public_key.hpp"
#include "ca_test_support.hpp"
#include "support/expectations.hpp"

namespace rspf::ca {
namespace {

using namespace rspf::ca::testing;

// base64url without padding, from standard base64 (independent of crypto/encoding).
std::string toBase64Url(std::string b64) {
  while (!b64.empty() && (b64.back() == '\n' || b64.back() == '=')) b64.pop_back();
  for (auto& c : b64) c = c == '+' ? '-' : (c == '/' ? '_' : c);
  return b64;
}

TEST(RawPublicKey, NiIdentifierMatchesOpensslCli) {
  TempDir dir;
  auto keyFile = dir / "key.pem";
  opensslOk({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", keyFile.string()});
  // openssl pkey -pubout -outform DER | openssl dgst -sha256 -binary | base64url
  auto spki = dir / "spki.der";
  opensslOk({"pkey", "-in", keyFile.string(), "-pubout", "-outform", "DER", "-out", spki.string()});
  auto digest = dir / "digest.bin";
  opensslOk({"dgst", "-sha256", "-binary", "-out", digest.string(), spki.string()});
  auto b64 = opensslOk({"base64", "-A", "-in", digest.string()});
  auto expected = "ni:///sha-256;" + toBase64Url(b64);

  auto key = loadPrivateKeyFile(keyFile);
  EXPECT_EQ(niIdentifier(*key), expected);
  EXPECT_EQ(niIdentifierOfSpki(readFile(spki)), expected);
  EXPECT_EQ(expected.size(), std::string("ni:///sha-256;").size() + 43);
  EXPECT_TRUE(matchesNiIdentifier(*key, expected));
  // The public half alone names the same key.
  auto pub = parsePublicKey(readFile(spki));
  EXPECT_TRUE(matchesNiIdentifier(*pub, expected));
  auto other = generateP256Key();
  EXPECT_FALSE(matchesNiIdentifier(*other, expected));
}

TEST(RawPublicKey, NormalizationIgnoresAuthorityAndQuery) {
  std::string value(43, 'A');
  value[5] = '-';
  value[6] = '_';
  auto canonical = "ni:///sha-256;" + value;
  EXPECT_EQ(normalizeNiIdentifier(canonical), canonical);
  EXPECT_EQ(normalizeNiIdentifier("NI://example.com/SHA-256;" + value + "?ct=application/pkix-cert"), canonical);
  EXPECT_FALSE(normalizeNiIdentifier("ni:///sha-384;" + value));
  EXPECT_FALSE(normalizeNiIdentifier("ni:///sha-256;" + value.substr(1)));
  EXPECT_FALSE(normalizeNiIdentifier("ni:///sha-256;" + value.substr(1) + "="));
  EXPECT_FALSE(normalizeNiIdentifier("ni:sha-256;" + value));
  EXPECT_FALSE(normalizeNiIdentifier("https:///sha-256;" + value));
  auto key = generateP256Key();
  EXPECT_FALSE(matchesNiIdentifier(*key, "garbage"));
}

}  // namespace
}  // namespace rspf::ca
