// The subjectAltName each certificate flavour carries (TS-0003 8.1.2.1; project choices in
// certificate_subject.hpp), and the identifiers refused.
#include <gtest/gtest.h>

#include "ca/certificate_subject.hpp"
#include "support/expectations.hpp"

namespace rspf::ca {
namespace {

using rspf::testing::expectError;
using Kind = SubjectAltName::Kind;

TEST(CertificateSubject, CseIdInFqdnFormIsADnsName) {
  auto san = subjectAltNameFor("cse1.example.com", SubjectType::CseId);
  EXPECT_EQ(san.kind, Kind::Dns);
  EXPECT_EQ(san.value, "cse1.example.com");
  EXPECT_EQ(san.describe(), "DNS:cse1.example.com");
  // DNS names are case-insensitive: issued lowercase.
  EXPECT_EQ(subjectAltNameFor("CSE1.Example.COM", SubjectType::CseId).value, "cse1.example.com");
}

TEST(CertificateSubject, CseIdMustBeInFqdnForm) {
  expectError([] { subjectAltNameFor("/cse1", SubjectType::CseId); }, ErrorCode::BadRequest, "FQDN form");
  expectError([] { subjectAltNameFor("cse1", SubjectType::CseId); }, ErrorCode::BadRequest, "FQDN form");
  expectError([] { subjectAltNameFor("-cse.example.com", SubjectType::CseId); }, ErrorCode::BadRequest);
  expectError([] { subjectAltNameFor("cse..example.com", SubjectType::CseId); }, ErrorCode::BadRequest);
  expectError([] { subjectAltNameFor("10.0.0.1", SubjectType::CseId); }, ErrorCode::BadRequest);
}

TEST(CertificateSubject, AeIdIsAUri) {
  auto fromFqdn = subjectAltNameFor("ae1.example.com", SubjectType::AeId);
  EXPECT_EQ(fromFqdn.kind, Kind::Uri);
  EXPECT_EQ(fromFqdn.value, "onem2m://ae1.example.com");
  auto asUri = subjectAltNameFor("https://sp.example.com/cse1/Cae1", SubjectType::AeId);
  EXPECT_EQ(asUri.kind, Kind::Uri);
  EXPECT_EQ(asUri.value, "https://sp.example.com/cse1/Cae1");
  expectError([] { subjectAltNameFor("Cae1", SubjectType::AeId); }, ErrorCode::BadRequest, "AE-ID");
  expectError([] { subjectAltNameFor("https://user@sp.example.com/x", SubjectType::AeId); }, ErrorCode::BadRequest);
  expectError([] { subjectAltNameFor("https://10.1.1.1/x", SubjectType::AeId); }, ErrorCode::BadRequest);
}

TEST(CertificateSubject, NodeAndDeviceIdsAreOidsOrUrns) {
  auto oid = subjectAltNameFor("1.0.2.481.1.100.3030", SubjectType::DeviceId);
  EXPECT_EQ(oid.kind, Kind::RegisteredId);
  EXPECT_EQ(oid.describe(), "RID:1.0.2.481.1.100.3030");
  auto urn = subjectAltNameFor("urn:dev:mac:0024befffe804ff1", SubjectType::NodeId);
  EXPECT_EQ(urn.kind, Kind::Uri);
  expectError([] { subjectAltNameFor("device-17", SubjectType::DeviceId); }, ErrorCode::BadRequest, "OID");
  expectError([] { subjectAltNameFor("3.1.2", SubjectType::DeviceId); }, ErrorCode::BadRequest);
  expectError([] { subjectAltNameFor("1.02.3", SubjectType::DeviceId); }, ErrorCode::BadRequest);
}

TEST(CertificateSubject, WildcardsAreRefused) {
  expectError([] { subjectAltNameFor("*.example.com", SubjectType::CseId); }, ErrorCode::BadRequest, "wildcard");
  expectError([] { subjectAltNameFor("onem2m://*.example.com", SubjectType::AeId); }, ErrorCode::BadRequest,
              "wildcard");
  expectError([] { subjectAltNameFor("a*b.example.com", SubjectType::CseId); }, ErrorCode::BadRequest, "wildcard");
}

TEST(CertificateSubject, NonAsciiAndEmptyAreRefused) {
  expectError([] { subjectAltNameFor("c\xc3\xa9se.example.com", SubjectType::CseId); }, ErrorCode::BadRequest,
              "printable ASCII");
  expectError([] { subjectAltNameFor("cse 1.example.com", SubjectType::CseId); }, ErrorCode::BadRequest);
  expectError([] { subjectAltNameFor("", SubjectType::AeId); }, ErrorCode::BadRequest, "empty");
}

TEST(CertificateSubject, SameNameIgnoresCaseForDnsOnly) {
  EXPECT_TRUE(sameName({Kind::Dns, "CSE1.example.com"}, {Kind::Dns, "cse1.example.com"}));
  EXPECT_FALSE(sameName({Kind::Uri, "onem2m://AE1.example.com"}, {Kind::Uri, "onem2m://ae1.example.com"}));
  EXPECT_FALSE(sameName({Kind::Dns, "cse1.example.com"}, {Kind::Uri, "cse1.example.com"}));
}

TEST(CertificateSubject, SubjectNames) {
  EXPECT_EQ(subjectNameFor("cse1.example.com", SubjectType::CseId).attribute, "CN");
  EXPECT_EQ(subjectNameFor("1.2.3.4", SubjectType::DeviceId).attribute, "serialNumber");
  EXPECT_EQ(subjectNameFor(std::string(70, 'a') + ".example.com", SubjectType::CseId).value, "");
}

TEST(CertificateSubject, FqdnAndOidSyntax) {
  EXPECT_TRUE(isFqdn("a.b"));
  EXPECT_TRUE(isFqdn("xn--bcher-kva.example"));
  EXPECT_FALSE(isFqdn("a"));
  EXPECT_FALSE(isFqdn(std::string(64, 'a') + ".com"));
  EXPECT_FALSE(isFqdn("a_b.example.com"));
  EXPECT_TRUE(isDottedOid("2.999.1"));
  EXPECT_TRUE(isDottedOid("1.39.5"));
  EXPECT_FALSE(isDottedOid("1.40.5"));
  EXPECT_FALSE(isDottedOid("1"));
  EXPECT_FALSE(isDottedOid("1..2"));
  EXPECT_EQ(parseSubjectType("cse"), SubjectType::CseId);
  EXPECT_EQ(parseSubjectType("DEVICE"), SubjectType::DeviceId);
  EXPECT_FALSE(parseSubjectType("x"));
}

}  // namespace
}  // namespace rspf::ca
