// PKCS#10 requests from the openssl command line (an independent EST client): what is read, and what
// is refused with which error.
#include <gtest/gtest.h>

#include <openssl/core_names.h>

#include "ca/certificate_request.hpp"
#include "ca/certificate_request_builder.hpp"
#include "ca/extended_key_usage.hpp"
#include "ca/key_pair.hpp"
#include "ca/raw_public_key.hpp"
#include "ca_test_support.hpp"
#include "support/expectations.hpp"

namespace rspf::ca {
namespace {

using namespace rspf::ca::testing;
using rspf::testing::expectError;

TEST(CertificateRequest, ReadsWhatOpensslReqWrites) {
  TempDir dir;
  auto csr = opensslCsr(
      dir, "cse1", "cse1.example.com",
      {"subjectAltName=DNS:cse1.example.com", "extendedKeyUsage=clientAuth," + std::string(oidOf(KeyPurpose::Saef))},
      "s3cret-Pass");
  auto request = CertificateRequest::fromDer(csr.der);
  EXPECT_EQ(request.der(), csr.der);
  EXPECT_EQ(request.commonName(), "cse1.example.com");
  EXPECT_TRUE(request.hasChallengePassword());
  EXPECT_TRUE(request.challengePasswordMatches("s3cret-Pass"));
  EXPECT_FALSE(request.challengePasswordMatches("s3cret-pass"));
  EXPECT_FALSE(request.challengePasswordMatches(""));
  ASSERT_EQ(request.requestedSubjectAltNames().size(), 1u);
  EXPECT_EQ(request.requestedSubjectAltNames()[0].describe(), "DNS:cse1.example.com");
  EXPECT_EQ(request.requestedExtendedKeyUsages(),
            (std::vector<std::string>{"1.3.6.1.5.5.7.3.2", std::string(oidOf(KeyPurpose::Saef))}));
  // The public key is the one in the key file openssl wrote.
  auto key = loadPrivateKeyFile(csr.keyFile);
  EXPECT_EQ(request.publicKeyDer(), subjectPublicKeyInfoDer(*key));
}

TEST(CertificateRequest, WithoutAttributesOrExtensions) {
  TempDir dir;
  auto csr = opensslCsr(dir, "bare", "bare", {});
  auto request = CertificateRequest::fromDer(csr.der);
  EXPECT_FALSE(request.hasChallengePassword());
  EXPECT_FALSE(request.challengePasswordMatches(""));
  EXPECT_TRUE(request.requestedSubjectAltNames().empty());
  EXPECT_TRUE(request.requestedExtendedKeyUsages().empty());
}

TEST(CertificateRequest, ReadsUriAndOtherNameForms) {
  TempDir dir;
  auto csr = opensslCsr(dir, "ae", "ae1", {"subjectAltName=URI:onem2m://ae1.example.com,IP:10.0.0.1,email:a@b.c"});
  auto request = CertificateRequest::fromDer(csr.der);
  ASSERT_EQ(request.requestedSubjectAltNames().size(), 3u);
  EXPECT_EQ(request.requestedSubjectAltNames()[0].describe(), "URI:onem2m://ae1.example.com");
  EXPECT_EQ(request.requestedSubjectAltNames()[1].describe(), "IP:10.0.0.1");
  EXPECT_EQ(request.requestedSubjectAltNames()[2].describe(), "email:a@b.c");
}

TEST(CertificateRequest, BadSignatureIsRefused) {
  TempDir dir;
  auto csr = opensslCsr(dir, "sig", "cse1.example.com", {"subjectAltName=DNS:cse1.example.com"});
  auto tampered = csr.der;
  // The signature BIT STRING ends the DER; its last byte is inside the ECDSA s value.
  tampered.back() ^= 0x01;
  expectError([&] { CertificateRequest::fromDer(tampered); }, ErrorCode::BadRequest, "proof of possession");
  // A change to the signed part fails the same way (the SAN's last letter).
  auto body = csr.der;
  auto at = std::search(body.begin(), body.end(), std::begin("example.com"), std::end("example.com") - 1);
  ASSERT_NE(at, body.end());
  at[0] = 'E';
  expectError([&] { CertificateRequest::fromDer(body); }, ErrorCode::BadRequest, "does not verify");
}

TEST(CertificateRequest, OnlyP256KeysAreAccepted) {
  TempDir dir;
  auto ec384 = opensslCsr(dir, "p384", "x", {}, "", p384());
  expectError([&] { CertificateRequest::fromDer(ec384.der); }, ErrorCode::BadRequest, "EC P-256 key");
  expectError([&] { CertificateRequest::fromDer(ec384.der); }, ErrorCode::BadRequest, "EC P-384");
  auto rsa = opensslCsr(dir, "rsa", "x", {}, "", rsa2048());
  expectError([&] { CertificateRequest::fromDer(rsa.der); }, ErrorCode::BadRequest, "RSA");
}

TEST(CertificateRequest, Sha384SignatureIsRefused) {
  TempDir dir;
  auto csr = opensslCsr(dir, "sha384", "x", {}, "", p256(), {"-sha384"});
  expectError([&] { CertificateRequest::fromDer(csr.der); }, ErrorCode::BadRequest, "ECDSA-SHA-256");
}

TEST(CertificateRequest, CompressedPointIsRefused) {
  // openssl req re-encodes points uncompressed; set the point format on the key with the API.
  auto key = generateP256Key();
  ASSERT_EQ(EVP_PKEY_set_utf8_string_param(key.get(), OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, "compressed"), 1);
  auto der = buildCertificateRequest(*key, "x", {});
  auto spki = subjectPublicKeyInfoDer(*key);
  ASSERT_EQ(spki.size(), 59u);  // 26 octets of header and a 33-octet compressed point
  expectError([&] { CertificateRequest::fromDer(der); }, ErrorCode::BadRequest, "uncompressed");
}

TEST(CertificateRequest, OversizedIsRefusedBeforeParsing) {
  Bytes big(kMaxCertificateRequestSize + 1, 0x30);
  expectError([&] { CertificateRequest::fromDer(big); }, ErrorCode::PayloadTooLarge, "8192");
  std::string body(3 * kMaxCertificateRequestSize, 'A');
  expectError([&] { CertificateRequest::fromEstBody(body); }, ErrorCode::PayloadTooLarge);
}

TEST(CertificateRequest, OversizedByExtensionsIsRefused) {
  TempDir dir;
  std::string many = "subjectAltName=DNS:a0.example.com";
  for (int i = 1; i < 500; ++i) many += ",DNS:a" + std::to_string(i) + ".example.com";
  auto csr = opensslCsr(dir, "big", "x", {many});
  ASSERT_GT(csr.der.size(), kMaxCertificateRequestSize);
  expectError([&] { CertificateRequest::fromDer(csr.der); }, ErrorCode::PayloadTooLarge);
}

TEST(CertificateRequest, MalformedInputIsRefused) {
  expectError([] { CertificateRequest::fromDer(Bytes{}); }, ErrorCode::BadRequest, "empty");
  expectError(
      [] {
        CertificateRequest::fromDer(Bytes{0x30, 0x03, 0x02, 0x01, 0x00});
      },
      ErrorCode::BadRequest, "PKCS#10");
  TempDir dir;
  auto csr = opensslCsr(dir, "trail", "x", {});
  auto trailing = csr.der;
  trailing.push_back(0x00);
  expectError([&] { CertificateRequest::fromDer(trailing); }, ErrorCode::BadRequest, "trailing");
  expectError([] { CertificateRequest::fromEstBody("not*base64!"); }, ErrorCode::BadRequest, "base64");
}

TEST(CertificateRequest, EstBodyWithLineBreaks) {
  TempDir dir;
  auto csr = opensslCsr(dir, "est", "x", {"subjectAltName=DNS:cse1.example.com"});
  // The body as `openssl base64` writes it: 64-character lines, LF.
  auto body = opensslOk({"base64", "-in", csr.derFile.string()});
  ASSERT_NE(body.find('\n'), std::string::npos);
  auto request = CertificateRequest::fromEstBody(body);
  EXPECT_EQ(request.der(), csr.der);
  auto crlf = estBase64Encode(csr.der);
  EXPECT_EQ(CertificateRequest::fromEstBody(crlf).der(), csr.der);
}

TEST(CertificateRequest, ChallengePasswordWithTwoValuesIsRefused) {
  // openssl req cannot write this (nor, in OpenSSL 3.0, two challengePassword attributes); build one
  // attribute with two values with the OpenSSL API.
  auto key = generateP256Key();
  X509ReqPtr req(X509_REQ_new());
  ASSERT_TRUE(req);
  ASSERT_EQ(X509_REQ_set_pubkey(req.get(), key.get()), 1);
  OpenSslPtr<X509_ATTRIBUTE, X509_ATTRIBUTE_free> attribute(X509_ATTRIBUTE_create_by_NID(
      nullptr, NID_pkcs9_challengePassword, V_ASN1_UTF8STRING, reinterpret_cast<const unsigned char*>("one"), 3));
  ASSERT_TRUE(attribute);
  ASSERT_EQ(X509_ATTRIBUTE_set1_data(attribute.get(), V_ASN1_UTF8STRING, "two", 3), 1);
  ASSERT_EQ(X509_REQ_add1_attr(req.get(), attribute.get()), 1);
  ASSERT_GT(X509_REQ_sign(req.get(), key.get(), EVP_sha256()), 0);
  auto der = toDer(i2d_X509_REQ, req.get(), "i2d_X509_REQ");
  expectError([&] { CertificateRequest::fromDer(der); }, ErrorCode::BadRequest, "exactly one value");
}

}  // namespace
}  // namespace rspf::ca
