// What a CA serving registration authorities derives from a vetted CSR, and the upstream-CA
// authority's checks before anything is forwarded (CSRs made by the openssl command line).
#include <gtest/gtest.h>

#include "ca/issuance_check.hpp"
#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "ca/upstream_est_authority.hpp"
#include "ca_test_support.hpp"
#include "support/expectations.hpp"

namespace rspf::ca {
namespace {

using namespace rspf::ca::testing;
using rspf::testing::expectError;

constexpr const char* kSaefEku = "extendedKeyUsage=clientAuth,1.3.6.1.4.1.32473.1.1";

TEST(IssuanceCheck, AVettedCsrNamesTheSubjectAndTheUsages) {
  TempDir dir;
  auto cse = CertificateRequest::fromDer(
      opensslCsr(dir, "cse", "cse1", {"subjectAltName=DNS:cse1.example.com", kSaefEku}).der);
  auto policy = policyFromVettedRequest(cse, std::chrono::hours(1));
  EXPECT_EQ(policy.identifier, "cse1.example.com");
  EXPECT_EQ(policy.subjectType, SubjectType::CseId);
  EXPECT_EQ(policy.allowedKeyPurposes, (std::vector<KeyPurpose>{KeyPurpose::ClientAuth, KeyPurpose::Saef}));
  EXPECT_EQ(policy.validity, std::chrono::hours(1));

  auto ae = CertificateRequest::fromDer(
      opensslCsr(dir, "ae", "ae1", {"subjectAltName=URI:onem2m://ae1.example.com", kSaefEku}).der);
  EXPECT_EQ(policyFromVettedRequest(ae, std::chrono::hours(1)).subjectType, SubjectType::AeId);
  auto device = CertificateRequest::fromDer(
      opensslCsr(dir, "dev", "dev", {"subjectAltName=RID:1.3.6.1.4.1.32473.99.1", kSaefEku}).der);
  auto devicePolicy = policyFromVettedRequest(device, std::chrono::hours(1));
  EXPECT_EQ(devicePolicy.subjectType, SubjectType::DeviceId);
  EXPECT_EQ(devicePolicy.identifier, "1.3.6.1.4.1.32473.99.1");
  // What testCa() issues for it names exactly that.
  auto issued = testCa().issue(cse, policyFromVettedRequest(cse, std::chrono::hours(1)));
  ASSERT_EQ(issued.subjectAltNames.size(), 1u);
  EXPECT_EQ(issued.subjectAltNames[0].describe(), "DNS:cse1.example.com");
}

TEST(IssuanceCheck, ACsrWithoutItsNamesCannotBeIssuedByAnUpstreamCa) {
  TempDir dir;
  auto noNames = CertificateRequest::fromDer(opensslCsr(dir, "a", "cse1", {kSaefEku}).der);
  expectError([&] { policyFromVettedRequest(noNames, std::chrono::hours(1)); }, ErrorCode::BadRequest,
              "exactly the subjectAltName");
  auto noEku = CertificateRequest::fromDer(opensslCsr(dir, "b", "cse1", {"subjectAltName=DNS:cse1.example.com"}).der);
  expectError([&] { policyFromVettedRequest(noEku, std::chrono::hours(1)); }, ErrorCode::BadRequest,
              "extended key usages");
  auto two = CertificateRequest::fromDer(
      opensslCsr(dir, "c", "cse1", {"subjectAltName=DNS:cse1.example.com,DNS:cse2.example.com", kSaefEku}).der);
  expectError([&] { policyFromVettedRequest(two, std::chrono::hours(1)); }, ErrorCode::BadRequest,
              "exactly the subjectAltName");
}

// The upstream authority checks the CSR against the policy before it dials anyone: the URL below
// has nothing listening, so an answer other than Unavailable proves nothing was sent.
class UpstreamAuthority : public ::testing::Test {
 protected:
  UpstreamAuthority() {
    auto s = std::make_shared<UpstreamEstSettings>();
    s->url = "https://127.0.0.1:1";
    s->timeout = std::chrono::seconds(2);
    s->trustAnchors.reset(X509_STORE_new());
    s->clientKey = generateP256Key();
    s->clientCertificate =
        parseCertificate(testCa().issueServerCertificate("mef.example.com", *s->clientKey, std::chrono::hours(1)).der);
    settings = s;
  }
  IssuancePolicy policy{
      "cse1.example.com", SubjectType::CseId, {KeyPurpose::ClientAuth, KeyPurpose::Saef}, std::chrono::hours(1)};
  std::shared_ptr<const UpstreamEstSettings> settings;
  TempDir dir;
};

TEST_F(UpstreamAuthority, AForeignIdentifierOrEkuIsRefusedBeforeForwarding) {
  UpstreamEstAuthority upstream(settings, "");
  auto foreign =
      CertificateRequest::fromDer(opensslCsr(dir, "a", "cse2", {"subjectAltName=DNS:cse2.example.com", kSaefEku}).der);
  expectError([&] { upstream.issue(foreign, policy, false); }, ErrorCode::Forbidden, "not granted");
  auto esdata = CertificateRequest::fromDer(
      opensslCsr(dir, "b", "cse1",
                 {"subjectAltName=DNS:cse1.example.com", "extendedKeyUsage=clientAuth,1.3.6.1.4.1.32473.1.3"})
          .der);
  expectError([&] { upstream.issue(esdata, policy, false); }, ErrorCode::Forbidden, "ESData");
  auto implicit = CertificateRequest::fromDer(opensslCsr(dir, "c", "cse1", {kSaefEku}).der);
  expectError([&] { upstream.issue(implicit, policy, false); }, ErrorCode::BadRequest, "upstream CA issues");
}

TEST_F(UpstreamAuthority, AnUnreachableUpstreamIsUnavailable) {
  UpstreamEstAuthority upstream(settings, "");
  auto fine =
      CertificateRequest::fromDer(opensslCsr(dir, "a", "cse1", {"subjectAltName=DNS:cse1.example.com", kSaefEku}).der);
  expectError([&] { upstream.issue(fine, policy, false); }, ErrorCode::Unavailable, "cannot be reached");
  expectError([&] { upstream.caCertificates(); }, ErrorCode::Unavailable, "cannot be reached");
}

}  // namespace
}  // namespace rspf::ca
