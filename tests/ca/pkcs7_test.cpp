// Certs-only PKCS#7 (RFC 7030 4.1.3 / 4.2.3) read by `openssl pkcs7`, and the base64 EST body.
#include <gtest/gtest.h>

#include "ca/key_pair.hpp"
#include "ca/pkcs7.hpp"
#include "ca_test_support.hpp"
#include "support/expectations.hpp"

namespace rspf::ca {
namespace {

using namespace rspf::ca::testing;
using rspf::testing::expectError;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(Pkcs7, CertsOnlyParsesWithOpenssl) {
  TempDir dir;
  auto ca = testCa();
  auto key = generateP256Key();
  auto leaf = ca.issueServerCertificate("mef.example.com", *key, std::chrono::hours(1));
  auto der = certsOnlyPkcs7({leaf.der, ca.certificateDer()});
  auto file = dir / "certs.p7";
  writeFile(file, der);
  auto text = opensslOk({"pkcs7", "-inform", "DER", "-in", file.string(), "-print_certs", "-noout"});
  EXPECT_TRUE(contains(text, "subject=CN = mef.example.com")) << text;
  EXPECT_TRUE(contains(text, "subject=CN = rspf test CA")) << text;
  // No signers and no content: the structure openssl crl2pkcs7 -nocrl writes.
  auto print = opensslOk({"pkcs7", "-inform", "DER", "-in", file.string(), "-print", "-noout"});
  EXPECT_TRUE(contains(print, "signer_info:\n        <EMPTY>") || contains(print, "signer_info:\n      <EMPTY>"))
      << print;
  auto caFile = writeCertificatePem(dir, "ca.pem", ca.certificateDer());
  opensslOk(
      {"crl2pkcs7", "-nocrl", "-certfile", caFile.string(), "-outform", "DER", "-out", (dir / "ref.p7").string()});
  EXPECT_EQ(certsOnlyPkcs7({ca.certificateDer()}), readFile(dir / "ref.p7"));

  // Round trip, in order.
  auto certs = certificatesFromPkcs7(der);
  ASSERT_EQ(certs.size(), 2u);
  EXPECT_EQ(certs[0], leaf.der);
  EXPECT_EQ(certs[1], ca.certificateDer());
}

TEST(Pkcs7, Base64BodyDecodesWithOpenssl) {
  TempDir dir;
  auto ca = testCa();
  auto body = certsOnlyPkcs7Base64({ca.certificateDer()});
  EXPECT_NE(body.find("\r\n"), std::string::npos);
  auto file = dir / "body.b64";
  writeFile(file, body);
  opensslOk({"base64", "-d", "-in", file.string(), "-out", (dir / "body.der").string()});
  auto printed = opensslOk({"pkcs7", "-inform", "DER", "-in", (dir / "body.der").string(), "-print_certs", "-noout"});
  EXPECT_TRUE(contains(printed, "subject=CN = rspf test CA")) << printed;
  EXPECT_EQ(certificatesFromPkcs7(estBase64Decode(body, "body")).front(), ca.certificateDer());
}

TEST(Pkcs7, RefusesWhatIsNotCertsOnly) {
  expectError([] { certificatesFromPkcs7(Bytes{0x30, 0x00}); }, ErrorCode::BadRequest, "PKCS#7");
  expectError([] { certsOnlyPkcs7({Bytes{0x01, 0x02}}); }, ErrorCode::BadRequest, "DER certificate");
  auto empty = certsOnlyPkcs7({});
  expectError([&] { certificatesFromPkcs7(empty); }, ErrorCode::BadRequest, "no certificate");
}

}  // namespace
}  // namespace rspf::ca
