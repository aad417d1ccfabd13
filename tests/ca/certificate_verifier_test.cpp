// Peer certificate verification (TS-0003 8.1.2.5): path validation against trust anchors, CRL
// checking, name constraints, and the registered identity (8.1.2.4).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "ca/certificate_request.hpp"
#include "ca/certificate_request_builder.hpp"
#include "ca/certificate_verifier.hpp"
#include "ca/key_pair.hpp"
#include "ca/raw_public_key.hpp"
#include "ca_test_support.hpp"
#include "support/expectations.hpp"

namespace rspf::ca {
namespace {

using namespace rspf::ca::testing;
using rspf::testing::expectError;

const std::vector<KeyPurpose> kPurposes{KeyPurpose::ClientAuth, KeyPurpose::Saef};

IssuedCertificate issueFor(const EmbeddedCa& ca, const std::string& id, SubjectType type,
                           std::chrono::seconds validity = std::chrono::hours(24 * 30)) {
  auto key = generateP256Key();
  auto request = CertificateRequest::fromDer(buildCertificateRequest(*key, "", {}));
  return ca.issue(request, {id, type, kPurposes, validity});
}

class CertificateVerifierTest : public ::testing::Test {
 protected:
  EmbeddedCa ca = testCa();
  IssuedCertificate cse = issueFor(ca, "cse1.example.com", SubjectType::CseId);
};

TEST_F(CertificateVerifierTest, ValidCertificateAndItsIdentity) {
  CertificateVerifier verifier({ca.certificateDer()});
  auto verified = verifier.verify({cse.der});
  EXPECT_EQ(verified.subject, "CN=cse1.example.com");
  EXPECT_EQ(verified.serialHex, cse.serialHex);
  ASSERT_EQ(verified.subjectAltNames.size(), 1u);
  EXPECT_EQ(verified.subjectAltNames[0].describe(), "DNS:cse1.example.com");
  EXPECT_EQ(verified.niIdentifier, niIdentifier(*X509_get0_pubkey(verified.certificate.get())));
  EXPECT_NO_THROW(requireRegisteredIdentity(verified, "cse1.example.com", SubjectType::CseId));
  EXPECT_NO_THROW(requireRegisteredIdentity(verified, "CSE1.Example.com", SubjectType::CseId));
  // The X509* overload (what a TLS session hands over).
  auto leaf = parseCertificate(cse.der);
  EXPECT_EQ(verifier.verify(*leaf, nullptr).serialHex, cse.serialHex);
}

TEST_F(CertificateVerifierTest, SubjectAltNameMustBeTheRegisteredEnroleeId) {
  CertificateVerifier verifier({ca.certificateDer()});
  auto verified = verifier.verify({cse.der});
  expectError([&] { requireRegisteredIdentity(verified, "cse2.example.com", SubjectType::CseId); },
              ErrorCode::Unauthorized,
              "subjectAltName 'DNS:cse1.example.com' is not the registered Enrolee-ID 'cse2.example.com'");
  // A CSE-ID certificate is not an AE-ID certificate for the same name.
  expectError([&] { requireRegisteredIdentity(verified, "cse1.example.com", SubjectType::AeId); },
              ErrorCode::Unauthorized, "is not the registered Enrolee-ID");

  auto ae = verifier.verify({issueFor(ca, "ae1.example.com", SubjectType::AeId).der});
  EXPECT_NO_THROW(requireRegisteredIdentity(ae, "ae1.example.com", SubjectType::AeId));
  expectError([&] { requireRegisteredIdentity(ae, "ae2.example.com", SubjectType::AeId); }, ErrorCode::Unauthorized,
              "'URI:onem2m://ae1.example.com' is not the registered Enrolee-ID 'ae2.example.com'");

  auto device = verifier.verify({issueFor(ca, "1.0.2.481.1.7", SubjectType::DeviceId).der});
  EXPECT_NO_THROW(requireRegisteredIdentity(device, "1.0.2.481.1.7", SubjectType::DeviceId));
  expectError([&] { requireRegisteredIdentity(device, "1.0.2.481.1.8", SubjectType::DeviceId); },
              ErrorCode::Unauthorized, "does not include the registered device ID '1.0.2.481.1.8'");
}

TEST_F(CertificateVerifierTest, DeviceIdAmongSeveralHardwareIdentifiers) {
  // A device certificate with two identifiers (10.1.1.4.1), issued by the openssl CLI with our CA key
  // (a CA constrained to DNS names, so a URN passes its constraints).
  TempDir dir;
  auto dnsCa = EmbeddedCa::create("device CA", {"example.com"}, {}, std::chrono::hours(24));
  auto caKey = exportCaKey(dnsCa, dir, "ca.key");
  auto caFile = writeCertificatePem(dir, "ca.pem", dnsCa.certificateDer());
  auto csr = opensslCsr(dir, "dev", "device", {});
  writeFile(dir / "ext.cnf", std::string("subjectAltName=RID:1.0.2.481.1.9,URI:urn:dev:mac:0024befffe804ff1\n"
                                         "keyUsage=critical,digitalSignature\n"));
  opensslOk({"x509", "-req", "-inform", "DER", "-in", csr.derFile.string(), "-CA", caFile.string(), "-CAkey",
             caKey.string(), "-set_serial", "7", "-days", "1", "-sha256", "-extfile", (dir / "ext.cnf").string(),
             "-out", (dir / "dev.pem").string()});
  CertificateVerifier verifier({dnsCa.certificateDer()});
  auto verified = verifier.verify({certificateDer(*loadCertificateFile(dir / "dev.pem"))});
  EXPECT_NO_THROW(requireRegisteredIdentity(verified, "urn:dev:mac:0024befffe804ff1", SubjectType::DeviceId));
  EXPECT_NO_THROW(requireRegisteredIdentity(verified, "1.0.2.481.1.9", SubjectType::NodeId));
  expectError([&] { requireRegisteredIdentity(verified, "1.0.2.481.1.10", SubjectType::DeviceId); },
              ErrorCode::Unauthorized, "RID:1.0.2.481.1.9, URI:urn:dev:mac:0024befffe804ff1");
}

TEST_F(CertificateVerifierTest, ExpiredAndNotYetValid) {
  CertificateVerifier verifier({ca.certificateDer()});
  expectError([&] { verifier.verify({cse.der}, now() + std::chrono::hours(24 * 60)); }, ErrorCode::Unauthorized,
              "certificate 'CN=cse1.example.com' has expired");
  expectError([&] { verifier.verify({cse.der}, now() - std::chrono::hours(24)); }, ErrorCode::Unauthorized,
              "is not yet valid");
}

TEST_F(CertificateVerifierTest, UntrustedChain) {
  auto otherCa = testCa();
  CertificateVerifier verifier({otherCa.certificateDer()});
  expectError([&] { verifier.verify({cse.der}); }, ErrorCode::Unauthorized, "not signed by a trusted CA");
  // Sending the CA certificate along does not make it trusted.
  expectError(
      [&] {
        verifier.verify({cse.der, ca.certificateDer()});
      },
      ErrorCode::Unauthorized, "not signed by a trusted CA");
  // A certificate issued by an impostor CA with the same name.
  auto impostor = testCa();
  CertificateVerifier trusting({ca.certificateDer()});
  expectError([&] { trusting.verify({issueFor(impostor, "cse1.example.com", SubjectType::CseId).der}); },
              ErrorCode::Unauthorized, "not signed by a trusted CA");
}

TEST_F(CertificateVerifierTest, RevokedWithCrlCheckingOn) {
  auto kept = issueFor(ca, "cse2.example.com", SubjectType::CseId);
  CertificateVerifier checking({ca.certificateDer()}, {.checkCrl = true});
  expectError([&] { checking.verify({cse.der}); }, ErrorCode::Unauthorized, "no CRL of the CA");
  checking.addCrl(ca.createCrl({cse.serialHex}, now() + std::chrono::hours(24)));
  expectError([&] { checking.verify({cse.der}); }, ErrorCode::Unauthorized,
              "(serial " + cse.serialHex + ") has been revoked");
  EXPECT_NO_THROW(checking.verify({kept.der}));
  // With CRL checking off the CRL is not consulted.
  CertificateVerifier notChecking({ca.certificateDer()});
  notChecking.addCrl(ca.createCrl({cse.serialHex}, now() + std::chrono::hours(24)));
  EXPECT_NO_THROW(notChecking.verify({cse.der}));
  // An expired CRL is reported as such.
  CertificateVerifier stale({ca.certificateDer()}, {.checkCrl = true});
  stale.addCrl(ca.createCrl({}, now() + std::chrono::hours(1)));
  expectError([&] { stale.verify({kept.der}, now() + std::chrono::hours(2)); }, ErrorCode::Unauthorized,
              "CRL of the CA that issued certificate 'CN=cse2.example.com' has expired");
  expectError([&] { checking.addCrl(Bytes{0x30, 0x00}); }, ErrorCode::Config, "CRL");
}

TEST_F(CertificateVerifierTest, NameConstraintsRefuseAForeignName) {
  // The CA refuses to issue outside its subtrees; a leaf made with its key by the openssl CLI shows the
  // constraint also holds for relying parties (RFC 5280 6.1.3, TS-0003 8.1.2.2).
  TempDir dir;
  auto caKey = exportCaKey(ca, dir, "ca.key");
  auto caFile = writeCertificatePem(dir, "ca.pem", ca.certificateDer());
  auto csr = opensslCsr(dir, "evil", "cse1.example.org", {});
  auto sign = [&](const std::string& name, const std::string& san) {
    writeFile(dir / (name + ".cnf"), "subjectAltName=" + san + "\nkeyUsage=critical,digitalSignature\n");
    opensslOk({"x509",
               "-req",
               "-inform",
               "DER",
               "-in",
               csr.derFile.string(),
               "-CA",
               caFile.string(),
               "-CAkey",
               caKey.string(),
               "-set_serial",
               "9",
               "-days",
               "1",
               "-sha256",
               "-extfile",
               (dir / (name + ".cnf")).string(),
               "-subj",
               "/CN=" + name,
               "-out",
               (dir / (name + ".pem")).string()});
    return dir / (name + ".pem");
  };
  auto foreign = sign("cse1.example.org", "DNS:cse1.example.org");
  auto r = openssl({"verify", "-CAfile", caFile.string(), foreign.string()});
  EXPECT_NE(r.exitCode, 0);
  EXPECT_NE((r.out + r.err).find("permitted subtree violation"), std::string::npos) << r.out << r.err;
  CertificateVerifier verifier({ca.certificateDer()});
  expectError([&] { verifier.verify({certificateDer(*loadCertificateFile(foreign))}); }, ErrorCode::Unauthorized,
              "outside its CA's name constraints");
  auto foreignUri = sign("ae", "URI:onem2m://ae1.example.net");
  expectError([&] { verifier.verify({certificateDer(*loadCertificateFile(foreignUri))}); }, ErrorCode::Unauthorized,
              "name constraints");
  // The control: inside the subtree, the same route verifies.
  auto inside = sign("cse9.example.com", "DNS:cse9.example.com");
  EXPECT_NO_THROW(verifier.verify({certificateDer(*loadCertificateFile(inside))}));
}

TEST_F(CertificateVerifierTest, RawPublicKeyComparedByNiIdentifier) {
  auto key = generateP256Key();
  auto registered = niIdentifier(*key);
  EXPECT_NO_THROW(requireRawPublicKey(*key, registered));
  auto other = generateP256Key();
  expectError([&] { requireRawPublicKey(*other, registered); }, ErrorCode::Unauthorized,
              "is not the registered key " + registered);
  expectError([&] { requireRawPublicKey(*key, "sha-256:abc"); }, ErrorCode::Config, "RFC 6920");
}

TEST_F(CertificateVerifierTest, MalformedInputAndConfiguration) {
  CertificateVerifier verifier({ca.certificateDer()});
  expectError([&] { verifier.verify(std::vector<Bytes>{}); }, ErrorCode::Unauthorized, "no certificate");
  expectError([&] { verifier.verify({Bytes{0x30, 0x01, 0x00}}); }, ErrorCode::Unauthorized, "does not parse");
  expectError([&] { CertificateVerifier({}); }, ErrorCode::Config, "no trust anchor");
  expectError([&] { CertificateVerifier({Bytes{0x01}}); }, ErrorCode::Config, "trust anchor");
}

TEST_F(CertificateVerifierTest, ConcurrentVerificationsShareTheStore) {
  CertificateVerifier verifier({ca.certificateDer()}, {.checkCrl = true});
  verifier.addCrl(ca.createCrl({}, now() + std::chrono::hours(24)));
  auto leaf = parseCertificate(cse.der);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto v = verifier.verify(*leaf, nullptr);
        if (v.serialHex == cse.serialHex) ++ok;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 200);
}

}  // namespace
}  // namespace rspf::ca
