// The embedded CA: its CA certificate (TS-0003 8.1.2.2, 10.1.1), sealing of its key, and the
// certificates it issues for CSRs made by the openssl command line, each checked by `openssl verify`.
#include <gtest/gtest.h>

#include <set>

#include "ca/certificate_request.hpp"
#include "ca/certificate_verifier.hpp"
#include "ca/embedded_ca.hpp"
#include "ca/extended_key_usage.hpp"
#include "ca/general_names.hpp"
#include "ca/key_pair.hpp"
#include "ca/serial_number.hpp"
#include "ca_test_support.hpp"
#include "crypto/primitives.hpp"
#include "store/key_encryption_key.hpp"
#include "support/expectations.hpp"

namespace rspf::ca {
namespace {

using namespace rspf::ca::testing;
using rspf::testing::expectError;

const std::vector<KeyPurpose> kCsePurposes{KeyPurpose::ClientAuth, KeyPurpose::ServerAuth, KeyPurpose::Saef};

IssuancePolicy csePolicy(const std::string& id = "cse1.example.com") {
  return {id, SubjectType::CseId, kCsePurposes, std::chrono::hours(24 * 30)};
}

bool isCritical(const X509& cert, int nid) {
  int index = X509_get_ext_by_NID(&cert, nid, -1);
  return index >= 0 && X509_EXTENSION_get_critical(X509_get_ext(&cert, index)) == 1;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// `openssl verify -CAfile ca.pem cert.pem` succeeds.
void expectOpensslVerifies(const TempDir& dir, const EmbeddedCa& ca, const IssuedCertificate& issued,
                           const std::string& name, const std::vector<std::string>& extra = {}) {
  auto caFile = writeCertificatePem(dir, "ca-" + name + ".pem", ca.certificateDer());
  auto certFile = writeCertificatePem(dir, name + ".pem", issued.der);
  std::vector<std::string> args{"verify", "-CAfile", caFile.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(certFile.string());
  auto out = opensslOk(args);
  EXPECT_TRUE(contains(out, certFile.string() + ": OK")) << out;
}

TEST(EmbeddedCa, CaCertificateProfile) {
  auto ca = testCa();
  const X509& cert = ca.certificate();
  EXPECT_EQ(X509_get_version(&cert), X509_VERSION_3);
  EXPECT_EQ(X509_check_ca(const_cast<X509*>(&cert)), 1);
  EXPECT_EQ(X509_get_signature_nid(&cert), NID_ecdsa_with_SHA256);
  EXPECT_TRUE(isP256(*X509_get0_pubkey(&cert)));

  BasicConstraintsPtr bc(
      static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(&cert, NID_basic_constraints, nullptr, nullptr)));
  ASSERT_TRUE(bc);
  EXPECT_TRUE(bc->ca);
  ASSERT_NE(bc->pathlen, nullptr);
  EXPECT_EQ(ASN1_INTEGER_get(bc->pathlen), 0);
  EXPECT_TRUE(isCritical(cert, NID_basic_constraints));

  auto usage = X509_get_key_usage(const_cast<X509*>(&cert));
  EXPECT_TRUE(usage & KU_KEY_CERT_SIGN);
  EXPECT_TRUE(usage & KU_CRL_SIGN);
  EXPECT_TRUE(isCritical(cert, NID_key_usage));
  EXPECT_NE(X509_get0_subject_key_id(const_cast<X509*>(&cert)), nullptr);

  EXPECT_TRUE(isCritical(cert, NID_name_constraints));
  EXPECT_EQ(ca.permittedDnsSubtrees(), std::vector<std::string>{"example.com"});
  EXPECT_EQ(ca.permittedUriSubtrees(), std::vector<std::string>{".example.com"});

  // The same, read by the openssl command line.
  TempDir dir;
  auto caFile = writeCertificatePem(dir, "ca.pem", ca.certificateDer());
  auto text = opensslOk({"x509", "-in", caFile.string(), "-text", "-noout"});
  EXPECT_TRUE(contains(text, "Version: 3")) << text;
  EXPECT_TRUE(contains(text, "Subject: CN = rspf test CA")) << text;
  EXPECT_TRUE(contains(text, "X509v3 Basic Constraints: critical")) << text;
  EXPECT_TRUE(contains(text, "CA:TRUE, pathlen:0")) << text;
  EXPECT_TRUE(contains(text, "X509v3 Key Usage: critical")) << text;
  EXPECT_TRUE(contains(text, "Certificate Sign, CRL Sign")) << text;
  EXPECT_TRUE(contains(text, "X509v3 Subject Key Identifier")) << text;
  EXPECT_TRUE(contains(text, "X509v3 Name Constraints: critical")) << text;
  EXPECT_TRUE(contains(text, "DNS:example.com")) << text;
  EXPECT_TRUE(contains(text, "URI:.example.com")) << text;
  EXPECT_TRUE(contains(text, "ecdsa-with-SHA256")) << text;
  EXPECT_TRUE(contains(text, "NIST CURVE: P-256")) << text;
  auto verify = opensslOk({"verify", "-CAfile", caFile.string(), caFile.string()});
  EXPECT_TRUE(contains(verify, ": OK")) << verify;
}

TEST(EmbeddedCa, CreateRefusesBadArguments) {
  auto year = std::chrono::hours(24 * 365);
  expectError([&] { EmbeddedCa::create("ca", {}, {}, year); }, ErrorCode::Config, "8.1.2.2");
  expectError([&] { EmbeddedCa::create("ca", {"*.example.com"}, {}, year); }, ErrorCode::Config, "no wildcards");
  expectError([&] { EmbeddedCa::create("ca", {"example"}, {}, year); }, ErrorCode::Config);
  expectError([&] { EmbeddedCa::create("ca", {"example.com"}, {}, std::chrono::seconds(0)); }, ErrorCode::Config);
  expectError([&] { EmbeddedCa::create("", {"example.com"}, {}, year); }, ErrorCode::Config);
  // A leading dot (subdomains only) is accepted.
  auto ca = EmbeddedCa::create("ca", {".example.com"}, {}, year);
  EXPECT_EQ(ca.permittedDnsSubtrees(), std::vector<std::string>{".example.com"});
}

TEST(EmbeddedCa, PrivateKeyIsSealedAndRestored) {
  store::KeyEncryptionKey kek(crypto::randomSecret(32));
  auto ca = testCa();
  crypto::Bytes plaintextSeen;
  auto sealed = ca.sealPrivateKey([&](crypto::ByteView plain) {
    plaintextSeen.assign(plain.begin(), plain.end());
    return kek.seal(plain, "ca.private_key");
  });
  ASSERT_FALSE(plaintextSeen.empty());
  // The sealed bytes do not hold the PKCS#8 key.
  EXPECT_EQ(std::search(sealed.begin(), sealed.end(), plaintextSeen.begin() + 8, plaintextSeen.end()), sealed.end());
  auto pkcs8 = privateKeyFromPkcs8Der(plaintextSeen);
  EXPECT_TRUE(isP256(*pkcs8));

  auto open = [&](crypto::ByteView s) { return kek.open(s, "ca.private_key"); };
  auto restored = EmbeddedCa::restore(ca.certificateDer(), sealed, open);
  EXPECT_EQ(restored.certificateDer(), ca.certificateDer());
  EXPECT_EQ(restored.permittedDnsSubtrees(), ca.permittedDnsSubtrees());
  // The restored CA issues certificates that chain to the original CA certificate.
  TempDir dir;
  auto csr = opensslCsr(dir, "cse1", "cse1.example.com", {"subjectAltName=DNS:cse1.example.com"});
  auto issued = restored.issue(CertificateRequest::fromDer(csr.der), csePolicy());
  expectOpensslVerifies(dir, ca, issued, "restored");

  // Another key-encryption key cannot open it; another CA's certificate does not match it.
  store::KeyEncryptionKey other(crypto::randomSecret(32));
  expectError(
      [&] { EmbeddedCa::restore(ca.certificateDer(), sealed, [&](crypto::ByteView s) { return other.open(s, "x"); }); },
      ErrorCode::Store);
  auto otherCa = testCa();
  expectError([&] { EmbeddedCa::restore(otherCa.certificateDer(), sealed, open); }, ErrorCode::Config,
              "does not belong");
  // A leaf certificate is not a CA certificate.
  auto leafKey = generateP256Key();
  auto leaf = ca.issueServerCertificate("mef.example.com", *leafKey, std::chrono::hours(1));
  auto leafSealed = kek.seal(privateKeyPkcs8Der(*leafKey).view(), "ca.private_key");
  expectError([&] { EmbeddedCa::restore(leaf.der, leafSealed, open); }, ErrorCode::Config, "not a CA certificate");
}

TEST(EmbeddedCa, IssuesCseCertificateThatOpensslVerifies) {
  TempDir dir;
  auto ca = testCa();
  auto csr = opensslCsr(dir, "cse1", "cse1.example.com",
                        {"subjectAltName=DNS:cse1.example.com", "extendedKeyUsage=clientAuth"}, "pw1234");
  auto request = CertificateRequest::fromDer(csr.der);
  auto issued = ca.issue(request, csePolicy());
  expectOpensslVerifies(dir, ca, issued, "cse1", {"-purpose", "sslclient"});

  auto cert = parseCertificate(issued.der);
  EXPECT_EQ(X509_get_version(cert.get()), X509_VERSION_3);
  EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_ecdsa_with_SHA256);
  EXPECT_EQ(X509_check_ca(cert.get()), 0);
  EXPECT_EQ(X509_get_key_usage(cert.get()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_TRUE(isCritical(*cert, NID_key_usage));
  EXPECT_TRUE(isCritical(*cert, NID_basic_constraints));
  EXPECT_FALSE(isCritical(*cert, NID_subject_alt_name));
  EXPECT_NE(X509_get0_authority_key_id(cert.get()), nullptr);
  EXPECT_NE(X509_get0_subject_key_id(cert.get()), nullptr);
  EXPECT_EQ(subjectPublicKeyInfoDer(*X509_get0_pubkey(cert.get())), request.publicKeyDer());
  EXPECT_EQ(serialHex(*X509_get0_serialNumber(cert.get())), issued.serialHex);
  EXPECT_EQ(issued.serialHex.size(), 2 * kSerialNumberSize);
  auto names = subjectAltNamesOf(*cert);
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0].describe(), "DNS:cse1.example.com");
  // Only the requested EKU, a subset of the policy's.
  EXPECT_EQ(issued.extendedKeyUsages, std::vector<std::string>{"1.3.6.1.5.5.7.3.2"});
  EXPECT_EQ(X509_get_extended_key_usage(cert.get()), static_cast<uint32_t>(XKU_SSL_CLIENT));

  auto text = opensslOk({"x509", "-in", (dir / "cse1.pem").string(), "-text", "-noout"});
  EXPECT_TRUE(contains(text, "Subject: CN = cse1.example.com")) << text;
  EXPECT_TRUE(contains(text, "X509v3 Key Usage: critical")) << text;
  EXPECT_TRUE(contains(text, "Digital Signature")) << text;
  EXPECT_TRUE(contains(text, "CA:FALSE")) << text;
  EXPECT_TRUE(contains(text, "DNS:cse1.example.com")) << text;
  EXPECT_TRUE(contains(text, "X509v3 Authority Key Identifier")) << text;
  EXPECT_TRUE(contains(text, "TLS Web Client Authentication")) << text;
  // The validity: back-dated, and as long as the policy says.
  EXPECT_LE(issued.notBefore, now() - std::chrono::seconds(EmbeddedCa::kBackdating) + std::chrono::seconds(5));
  EXPECT_NEAR(static_cast<double>(toUnix(issued.notAfter) - toUnix(now())), 30.0 * 24 * 3600, 10.0);
}

TEST(EmbeddedCa, IssuesAeNodeAndDeviceCertificates) {
  TempDir dir;
  auto ca = testCa();
  struct Case {
    std::string name, identifier, san;
    SubjectType type;
  };
  const Case cases[] = {
      {"ae1", "ae1.example.com", "URI:onem2m://ae1.example.com", SubjectType::AeId},
      {"ae2", "https://sp.example.com/cse1/Cae2", "URI:https://sp.example.com/cse1/Cae2", SubjectType::AeId},
      {"device", "1.0.2.481.1.100.3030.10011", "RID:1.0.2.481.1.100.3030.10011", SubjectType::DeviceId},
      {"node", "1.0.2.481.1.100.3030.10012", "RID:1.0.2.481.1.100.3030.10012", SubjectType::NodeId},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto csr = opensslCsr(dir, c.name, "whatever", {"subjectAltName=" + c.san}, "pw");
    auto issued = ca.issue(CertificateRequest::fromDer(csr.der),
                           {c.identifier, c.type, {KeyPurpose::ClientAuth, KeyPurpose::EsData}, std::chrono::hours(1)});
    expectOpensslVerifies(dir, ca, issued, c.name);
    ASSERT_EQ(issued.subjectAltNames.size(), 1u);
    EXPECT_EQ(issued.subjectAltNames[0].describe(), c.san);
    // No EKU asked for: all the policy's.
    EXPECT_EQ(issued.extendedKeyUsages, (std::vector<std::string>{std::string(oidOf(KeyPurpose::ClientAuth)),
                                                                  std::string(oidOf(KeyPurpose::EsData))}));
  }
  // A device certificate names the device in serialNumber, not CN (see certificate_subject.hpp).
  auto text = opensslOk({"x509", "-in", (dir / "device.pem").string(), "-noout", "-subject"});
  EXPECT_TRUE(contains(text, "serialNumber = 1.0.2.481.1.100.3030.10011")) << text;
}

TEST(EmbeddedCa, CsrNamingAForeignIdentifierIsForbidden) {
  TempDir dir;
  auto ca = testCa();
  auto csr =
      opensslCsr(dir, "foreign", "cse2.example.com", {"subjectAltName=DNS:cse1.example.com,DNS:cse2.example.com"});
  expectError([&] { ca.issue(CertificateRequest::fromDer(csr.der), csePolicy()); }, ErrorCode::Forbidden,
              "'DNS:cse2.example.com'");
  auto ip = opensslCsr(dir, "ip", "x", {"subjectAltName=IP:10.0.0.1"});
  expectError([&] { ca.issue(CertificateRequest::fromDer(ip.der), csePolicy()); }, ErrorCode::Forbidden, "IP:10.0.0.1");
  // Same name, other form: a URI is not the dNSName the policy grants.
  auto uri = opensslCsr(dir, "uri", "x", {"subjectAltName=URI:onem2m://cse1.example.com"});
  expectError([&] { ca.issue(CertificateRequest::fromDer(uri.der), csePolicy()); }, ErrorCode::Forbidden);
  // Case does not matter for DNS names.
  auto upper = opensslCsr(dir, "upper", "x", {"subjectAltName=DNS:CSE1.Example.com"});
  EXPECT_NO_THROW(ca.issue(CertificateRequest::fromDer(upper.der), csePolicy()));
}

TEST(EmbeddedCa, EkuNotGrantedIsForbidden) {
  TempDir dir;
  auto ca = testCa();
  auto maf = opensslCsr(dir, "maf", "x", {"extendedKeyUsage=" + std::string(oidOf(KeyPurpose::Maf))});
  expectError([&] { ca.issue(CertificateRequest::fromDer(maf.der), csePolicy()); }, ErrorCode::Forbidden,
              std::string(oidOf(KeyPurpose::Maf)) + " (MAF)");
  auto codeSigning = opensslCsr(dir, "code", "x", {"extendedKeyUsage=clientAuth,codeSigning"});
  expectError([&] { ca.issue(CertificateRequest::fromDer(codeSigning.der), csePolicy()); }, ErrorCode::Forbidden,
              "1.3.6.1.5.5.7.3.3");
}

TEST(EmbeddedCa, InvalidPolicyIdentifiersAreRefused) {
  TempDir dir;
  auto ca = testCa();
  auto csr = opensslCsr(dir, "any", "x", {});
  auto request = CertificateRequest::fromDer(csr.der);
  expectError([&] { ca.issue(request, csePolicy("*.example.com")); }, ErrorCode::BadRequest, "wildcard");
  expectError([&] { ca.issue(request, csePolicy("c\xc3\xa9se.example.com")); }, ErrorCode::BadRequest, "ASCII");
  auto noUsage = csePolicy();
  noUsage.allowedKeyPurposes.clear();
  expectError([&] { ca.issue(request, noUsage); }, ErrorCode::Config, "no key usage");
}

TEST(EmbeddedCa, IdentifierOutsideTheNameConstraintsIsForbidden) {
  TempDir dir;
  auto ca = testCa();
  auto csr = opensslCsr(dir, "any", "x", {});
  auto request = CertificateRequest::fromDer(csr.der);
  expectError([&] { ca.issue(request, csePolicy("cse1.example.org")); }, ErrorCode::Forbidden, "name constraints");
  expectError(
      [&] {
        ca.issue(request, {"ae1.other.net", SubjectType::AeId, kCsePurposes, std::chrono::hours(1)});
      },
      ErrorCode::Forbidden, "name constraints");
  // A URN has no host, so a CA with URI subtrees cannot certify it (RFC 5280 4.2.1.10).
  expectError(
      [&] {
        ca.issue(request, {"urn:dev:mac:0024befffe804ff1", SubjectType::DeviceId, kCsePurposes, std::chrono::hours(1)});
      },
      ErrorCode::Forbidden, "name constraints");
  // A CA constrained to DNS names only certifies a URN device.
  auto dnsOnly = EmbeddedCa::create("dns only", {"example.com"}, {}, std::chrono::hours(24));
  auto urn = dnsOnly.issue(
      request, {"urn:dev:mac:0024befffe804ff1", SubjectType::DeviceId, kCsePurposes, std::chrono::hours(1)});
  expectOpensslVerifies(dir, dnsOnly, urn, "urn");
}

TEST(EmbeddedCa, SerialsAreUniqueAndPositive) {
  TempDir dir;
  auto ca = testCa();
  auto csr = opensslCsr(dir, "serials", "x", {});
  auto request = CertificateRequest::fromDer(csr.der);
  std::set<std::string> serials;
  std::vector<std::string> verifyArgs{"verify", "-CAfile",
                                      writeCertificatePem(dir, "ca.pem", ca.certificateDer()).string()};
  for (int i = 0; i < 100; ++i) {
    auto issued = ca.issue(request, csePolicy());
    verifyArgs.push_back(writeCertificatePem(dir, "c" + std::to_string(i) + ".pem", issued.der).string());
    EXPECT_EQ(issued.serialHex.size(), 32u);
    EXPECT_TRUE(issued.serialHex[0] >= '4' && issued.serialHex[0] <= '7') << issued.serialHex;
    serials.insert(issued.serialHex);
  }
  EXPECT_EQ(serials.size(), 100u);
  // openssl verify accepts every one of them (one run, 100 files).
  auto out = opensslOk(verifyArgs);
  std::size_t oks = 0;
  for (auto at = out.find(": OK"); at != std::string::npos; at = out.find(": OK", at + 1)) ++oks;
  EXPECT_EQ(oks, 100u) << out;
}

TEST(EmbeddedCa, NotAfterIsCappedAtTheCaNotAfter) {
  TempDir dir;
  auto ca = testCa(std::chrono::hours(48));
  auto csr = opensslCsr(dir, "cap", "x", {});
  auto issued = ca.issue(CertificateRequest::fromDer(csr.der), csePolicy());
  // The policy asks 30 days; the CA lives 48 hours.
  EXPECT_LE(issued.notAfter, now() + std::chrono::hours(48));
  EXPECT_GE(issued.notAfter, now() + std::chrono::hours(47));
  expectOpensslVerifies(dir, ca, issued, "cap");
}

TEST(EmbeddedCa, ServerCertificateForTheMef) {
  TempDir dir;
  auto ca = testCa();
  auto key = generateP256Key();
  auto issued = ca.issueServerCertificate("mef.example.com", *key, std::chrono::hours(24));
  expectOpensslVerifies(dir, ca, issued, "mef", {"-purpose", "sslserver"});
  auto host = opensslOk({"x509", "-in", (dir / "mef.pem").string(), "-noout", "-checkhost", "mef.example.com"});
  EXPECT_TRUE(contains(host, "does match certificate")) << host;
  auto other = opensslOk({"x509", "-in", (dir / "mef.pem").string(), "-noout", "-checkhost", "evil.example.com"});
  EXPECT_TRUE(contains(other, "does NOT match certificate")) << other;
  EXPECT_EQ(issued.extendedKeyUsages, (std::vector<std::string>{std::string(oidOf(KeyPurpose::ServerAuth)),
                                                                std::string(oidOf(KeyPurpose::ClientAuth))}));
  auto rsa = EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)));
  ASSERT_TRUE(rsa);
  expectError([&] { ca.issueServerCertificate("mef.example.com", *rsa, std::chrono::hours(1)); }, ErrorCode::BadRequest,
              "P-256");
  expectError([&] { ca.issueServerCertificate("*.example.com", *key, std::chrono::hours(1)); }, ErrorCode::BadRequest,
              "wildcard");
}

TEST(EmbeddedCa, CrlListsRevokedSerials) {
  TempDir dir;
  auto ca = testCa();
  auto csr = opensslCsr(dir, "revoked", "x", {});
  auto issued = ca.issue(CertificateRequest::fromDer(csr.der), csePolicy());
  auto kept = ca.issue(CertificateRequest::fromDer(csr.der), csePolicy());
  auto crl = ca.createCrl({issued.serialHex}, now() + std::chrono::hours(24));
  auto crlFile = dir / "crl.der";
  writeFile(crlFile, crl);
  auto text = opensslOk({"crl", "-inform", "DER", "-in", crlFile.string(), "-text", "-noout"});
  std::string upperSerial = issued.serialHex;
  for (auto& c : upperSerial) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(contains(text, "Serial Number: " + upperSerial)) << text;
  EXPECT_TRUE(contains(text, "X509v3 CRL Number")) << text;
  EXPECT_TRUE(contains(text, "X509v3 Authority Key Identifier")) << text;
  EXPECT_TRUE(contains(text, "ecdsa-with-SHA256")) << text;

  auto crlPem = opensslOk({"crl", "-inform", "DER", "-in", crlFile.string()});
  writeFile(dir / "crl.pem", crlPem);
  auto caFile = writeCertificatePem(dir, "ca.pem", ca.certificateDer());
  auto revokedFile = writeCertificatePem(dir, "revoked.pem", issued.der);
  auto keptFile = writeCertificatePem(dir, "kept.pem", kept.der);
  auto r = openssl({"verify", "-crl_check", "-CAfile", caFile.string(), "-CRLfile", (dir / "crl.pem").string(),
                    revokedFile.string()});
  EXPECT_NE(r.exitCode, 0);
  EXPECT_TRUE(contains(r.out + r.err, "certificate revoked")) << r.out << r.err;
  auto ok = opensslOk(
      {"verify", "-crl_check", "-CAfile", caFile.string(), "-CRLfile", (dir / "crl.pem").string(), keptFile.string()});
  EXPECT_TRUE(contains(ok, ": OK")) << ok;

  expectError([&] { ca.createCrl({"zz"}, now() + std::chrono::hours(1)); }, ErrorCode::BadRequest, "hexadecimal");
  expectError([&] { ca.createCrl({}, now() - std::chrono::hours(1)); }, ErrorCode::Config, "future");
}

}  // namespace
}  // namespace rspf::ca
