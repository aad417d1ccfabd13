// RFC 7030 4.5.2 CSR attributes: what openssl asn1parse reads in them, the round trip, and an
// enrolment whose CSR echoes them (built by us and by openssl req).
#include <gtest/gtest.h>

#include "ca/certificate_request.hpp"
#include "ca/certificate_request_builder.hpp"
#include "ca/csr_attributes.hpp"
#include "ca/der_writer.hpp"
#include "ca/key_pair.hpp"
#include "ca_test_support.hpp"
#include "support/expectations.hpp"

namespace rspf::ca {
namespace {

using namespace rspf::ca::testing;
using rspf::testing::expectError;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const std::vector<KeyPurpose> kGranted{KeyPurpose::ClientAuth, KeyPurpose::Saef, KeyPurpose::EsData};

TEST(CsrAttributes, OpensslAsn1parseReadsThem) {
  TempDir dir;
  auto der = buildCsrAttributes(std::string("Pw-7f3a9c"), {subjectAltNameFor("cse1.example.com", SubjectType::CseId)},
                                kGranted);
  auto file = dir / "csrattrs.der";
  writeFile(file, der);
  auto text = opensslOk({"asn1parse", "-inform", "DER", "-in", file.string()});
  EXPECT_TRUE(contains(text, ":challengePassword")) << text;
  EXPECT_TRUE(contains(text, ":Pw-7f3a9c")) << text;
  EXPECT_TRUE(contains(text, ":Extension Request")) << text;
  EXPECT_TRUE(contains(text, ":id-ecPublicKey")) << text;
  EXPECT_TRUE(contains(text, ":prime256v1")) << text;
  EXPECT_TRUE(contains(text, ":ecdsa-with-SHA256")) << text;
  // The extensions inside, parsed one level deeper (-strparse at the OCTET STRINGs is fiddly; dump them).
  auto dump = opensslOk({"asn1parse", "-inform", "DER", "-in", file.string(), "-dump"});
  EXPECT_TRUE(contains(dump, "X509v3 Subject Alternative Name")) << dump;
  EXPECT_TRUE(contains(dump, "X509v3 Extended Key Usage")) << dump;
  EXPECT_TRUE(contains(dump, "cse1.example")) << dump;  // hex dump: the name spans two lines
  // The base64 body decodes to the same bytes.
  auto body = estBase64Encode(der);
  auto decoded = opensslOk({"base64", "-d"}, body);
  EXPECT_EQ(Bytes(decoded.begin(), decoded.end()), der);
}

TEST(CsrAttributes, RoundTrip) {
  auto san = subjectAltNameFor("ae1.example.com", SubjectType::AeId);
  auto parsed = parseCsrAttributes(buildCsrAttributes(std::string("secret"), {san}, kGranted));
  EXPECT_EQ(parsed.challengePassword, "secret");
  ASSERT_EQ(parsed.subjectAltNames.size(), 1u);
  EXPECT_EQ(parsed.subjectAltNames[0], san);
  std::vector<std::string> oids;
  for (auto p : kGranted) oids.emplace_back(oidOf(p));
  EXPECT_EQ(parsed.extendedKeyUsages, oids);

  auto bare = parseCsrAttributes(buildCsrAttributes(std::nullopt, {}, {}));
  ASSERT_TRUE(bare.challengePassword.has_value());
  EXPECT_EQ(*bare.challengePassword, "");  // asked for, value of the client's choosing
  EXPECT_TRUE(bare.subjectAltNames.empty());
  EXPECT_TRUE(bare.extendedKeyUsages.empty());
}

TEST(CsrAttributes, ReadsTheRfc7030Example) {
  // RFC 7030 4.5.2's example: challengePassword, ecPublicKey { secp384r1 }, ecdsaWithSHA384 (plus a
  // macAddress OID); unknown items are skipped.
  auto der = der::sequence(
      {der::objectIdentifier("1.2.840.113549.1.9.7"),
       der::sequence({der::objectIdentifier("1.2.840.10045.2.1"), der::set({der::objectIdentifier("1.3.132.0.34")})}),
       der::objectIdentifier("1.3.6.1.1.1.1.22"), der::objectIdentifier("1.2.840.10045.4.3.3")});
  auto parsed = parseCsrAttributes(der);
  EXPECT_EQ(parsed.challengePassword, "");
  EXPECT_TRUE(parsed.subjectAltNames.empty());
}

TEST(CsrAttributes, MalformedIsRefused) {
  expectError([] { parseCsrAttributes(Bytes{0x04, 0x00}); }, ErrorCode::BadRequest, "RFC 7030");
  expectError([] { parseCsrAttributes(Bytes{0x30, 0x02, 0x02, 0x00}); }, ErrorCode::BadRequest);
  expectError([] { parseCsrAttributes(der::sequence({der::utf8String("x")})); }, ErrorCode::BadRequest);
}

TEST(CsrAttributes, EnrolmentEchoingThem) {
  TempDir dir;
  auto ca = testCa();
  auto san = subjectAltNameFor("cse1.example.com", SubjectType::CseId);
  auto attributes = parseCsrAttributes(buildCsrAttributes(std::string("Pw-123"), {san}, kGranted));
  IssuancePolicy policy{"cse1.example.com", SubjectType::CseId, kGranted, std::chrono::hours(1)};

  // Our own builder (the Enrolee's side).
  auto key = generateP256Key();
  auto request = CertificateRequest::fromDer(buildCertificateRequest(*key, "cse1.example.com", attributes));
  EXPECT_TRUE(request.challengePasswordMatches("Pw-123"));
  EXPECT_EQ(request.requestedSubjectAltNames(), std::vector<SubjectAltName>{san});
  EXPECT_EQ(request.requestedExtendedKeyUsages(), attributes.extendedKeyUsages);
  auto issued = ca.issue(request, policy);
  EXPECT_EQ(issued.extendedKeyUsages, attributes.extendedKeyUsages);
  auto rsa = EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)));
  expectError([&] { buildCertificateRequest(*rsa, "x", attributes); }, ErrorCode::BadRequest, "P-256");

  // openssl req, given the same attributes by hand.
  std::string ekus;
  for (const auto& oid : attributes.extendedKeyUsages) ekus += (ekus.empty() ? "" : ",") + oid;
  auto csr = opensslCsr(dir, "echo", "cse1.example.com",
                        {"subjectAltName=DNS:cse1.example.com", "extendedKeyUsage=" + ekus}, "Pw-123");
  auto cliRequest = CertificateRequest::fromDer(csr.der);
  EXPECT_TRUE(cliRequest.challengePasswordMatches(*attributes.challengePassword));
  auto cliIssued = ca.issue(cliRequest, policy);
  auto caFile = writeCertificatePem(dir, "ca.pem", ca.certificateDer());
  auto certFile = writeCertificatePem(dir, "echo.pem", cliIssued.der);
  auto out = opensslOk({"verify", "-CAfile", caFile.string(), certFile.string()});
  EXPECT_TRUE(contains(out, ": OK")) << out;
}

}  // namespace
}  // namespace rspf::ca
