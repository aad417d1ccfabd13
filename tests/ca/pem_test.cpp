// Certificates and keys in PEM and DER, key files, and EST base64 bodies.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "ca_test_support.hpp"
#include "support/expectations.hpp"

namespace rspf::ca {
namespace {

using namespace rspf::ca::testing;
using rspf::testing::expectError;

TEST(Pem, CertificateRoundTrips) {
  TempDir dir;
  auto ca = testCa();
  auto der = ca.certificateDer();
  auto pem = ca.certificatePem();
  EXPECT_EQ(pem.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
  EXPECT_EQ(certificateDer(*parseCertificate(crypto::asBytes(pem))), der);
  EXPECT_EQ(certificateDer(*parseCertificate(der)), der);

  auto other = testCa();
  auto bundle = dir / "bundle.pem";
  saveCertificatesPemFile(bundle, {&ca.certificate(), &other.certificate()});
  auto loaded = loadCertificatesFile(bundle);
  ASSERT_EQ(loaded.size(), 2u);
  EXPECT_EQ(certificateDer(*loaded[1]), other.certificateDer());
  // openssl reads what we wrote.
  auto text = opensslOk({"x509", "-in", bundle.string(), "-noout", "-subject"});
  EXPECT_NE(text.find("rspf test CA"), std::string::npos);
  EXPECT_EQ(certificateDer(*loadCertificateFile(bundle)), der);

  expectError(
      [] { parseCertificate(crypto::asBytes("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")); },
      ErrorCode::BadRequest, "PEM");
  expectError([] { parseCertificate(Bytes{0x30, 0x00}); }, ErrorCode::BadRequest, "DER");
  expectError([&] { loadCertificateFile(dir / "missing.pem"); }, ErrorCode::Config, "missing.pem");
}

TEST(Pem, PrivateKeyFileIsPrivate) {
  TempDir dir;
  auto key = generateP256Key();
  auto file = dir / "enrolee.key";
  savePrivateKeyPemFile(file, *key);
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto loaded = loadPrivateKeyFile(file);
  EXPECT_EQ(subjectPublicKeyInfoDer(*loaded), subjectPublicKeyInfoDer(*key));
  // openssl reads it (PKCS#8 PEM).
  auto text = opensslOk({"pkey", "-in", file.string(), "-noout", "-text"});
  EXPECT_NE(text.find("NIST CURVE: P-256"), std::string::npos) << text;
  // Never overwritten; refused when others may read it.
  expectError([&] { savePrivateKeyPemFile(file, *key); }, ErrorCode::Config, "cannot create");
  ::chmod(file.c_str(), 0644);
  expectError([&] { loadPrivateKeyFile(file); }, ErrorCode::Config, "chmod 600");
  // Keys written by openssl load, PEM and DER PKCS#8 alike.
  auto cliKey = dir / "cli.key";
  opensslOk({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", cliKey.string()});
  ::chmod(cliKey.c_str(), 0600);
  EXPECT_TRUE(isP256(*loadPrivateKeyFile(cliKey)));
  opensslOk(
      {"pkcs8", "-topk8", "-nocrypt", "-in", cliKey.string(), "-outform", "DER", "-out", (dir / "k.der").string()});
  EXPECT_TRUE(isP256(*parsePrivateKey(readFile(dir / "k.der"))));
  // Public keys, PEM and DER.
  auto pub = parsePublicKey(crypto::asBytes(publicKeyPem(*key)));
  EXPECT_EQ(subjectPublicKeyInfoDer(*pub), subjectPublicKeyInfoDer(*key));
  expectError([] { parsePrivateKey(Bytes{0x30, 0x00}); }, ErrorCode::BadRequest, "PKCS#8");
}

TEST(Pem, EncryptedPemKeyIsRefusedWithoutPrompting) {
  TempDir dir;
  auto file = dir / "enc.key";
  opensslOk({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes256", "-pass", "pass:x", "-out",
             file.string()});
  expectError([&] { parsePrivateKey(readFile(file)); }, ErrorCode::BadRequest, "unencrypted");
}

TEST(Pem, EstBase64) {
  Bytes data(200);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 7);
  auto body = estBase64Encode(data);
  EXPECT_EQ(body.find('\n'), 65u);  // 64 characters, CR, LF
  EXPECT_EQ(estBase64Decode(body, "body"), data);
  EXPECT_EQ(estBase64Decode(" " + body + "\t\n", "body"), data);
  auto decoded = opensslOk({"base64", "-d"}, body);
  EXPECT_EQ(Bytes(decoded.begin(), decoded.end()), data);
  expectError([] { estBase64Decode("a*b=", "the CSR body"); }, ErrorCode::BadRequest,
              "the CSR body is not valid base64");
  expectError([] { estBase64Decode("abc", "x"); }, ErrorCode::BadRequest, "base64");
  expectError([] { estBase64Decode("", "x"); }, ErrorCode::BadRequest, "base64");
}

}  // namespace
}  // namespace rspf::ca
