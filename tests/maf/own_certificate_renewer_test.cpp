// The MAF's own certificate with the MEF (seed 8.3.3.6 pre-conditions) is renewed (issue 10 item 1)
// by the OwnCertificateRenewer it is given (issue 11: the MAF includes no Enrolee code): handed the
// certificate in [maf] certificate, and what it returns replaces both files.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "ca/embedded_ca.hpp"
#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "maf/maf_server.hpp"
#include "support/temp_dir.hpp"

namespace rspf::maf {
namespace {

constexpr const char* kMaf = "maf.example.com";

// Certificates for kMaf under a test CA; records what renew() was handed.
class FakeCertificateRenewer : public OwnCertificateRenewer {
 public:
  RenewedCertificate renew(const X509& current) override {
    handed = ca::certificateDer(current);
    RenewedCertificate renewed = issue(std::chrono::hours(100));  // not due again
    issued = ca::certificateDer(*renewed.certificate);
    ++calls;
    return renewed;
  }
  RenewedCertificate issue(std::chrono::seconds validity) const {
    RenewedCertificate c;
    c.privateKey = ca::generateP256Key();
    c.certificate = ca::parseCertificate(authority.issueServerCertificate(kMaf, *c.privateKey, validity).der);
    return c;
  }

  ca::EmbeddedCa authority = ca::EmbeddedCa::create("rspf test CA", {"example.com"}, {}, std::chrono::hours(24));
  std::atomic<int> calls{0};
  crypto::Bytes handed, issued;  // written before `calls` is incremented
};

crypto::Bytes certificateFileDer(const std::filesystem::path& file) {
  return ca::certificateDer(*ca::loadCertificateFile(file));
}

TEST(OwnCertificateRenewer, TheMafRenewsItsCertificateWithTheRenewerItIsGivenAndReplacesItsFiles) {
  testing::TempDir dir;
  FakeCertificateRenewer renewer;
  auto first = renewer.issue(std::chrono::hours(1));
  MafConfig config;
  config.id = kMaf;
  config.port = 0;
  config.threads = 1;
  config.certificate = dir / "maf.pem";
  config.certificateKey = dir / "maf-key.pem";
  config.mefTrustAnchors = dir / "ca.pem";
  config.mefUrl = "https://127.0.0.1:1";  // never contacted: no Enrolee connects
  config.mefFqdn = "mef.example.com";
  config.renewBefore.before = std::chrono::hours(1);  // due at once
  ca::saveCertificatesPemFile(config.certificate, {first.certificate.get()});
  ca::savePrivateKeyPemFile(config.certificateKey, *first.privateKey);
  ca::saveCertificatesPemFile(config.mefTrustAnchors, {&renewer.authority.certificate()});
  const auto firstDer = ca::certificateDer(*first.certificate);
  {
    MafServer server(config, renewer);
    server.start();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline &&
           (renewer.calls == 0 || certificateFileDer(config.certificate) == firstDer))
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    server.stop();
  }
  ASSERT_EQ(renewer.calls, 1);
  EXPECT_EQ(renewer.handed, firstDer);
  EXPECT_EQ(certificateFileDer(config.certificate), renewer.issued);
  auto key = ca::loadPrivateKeyFile(config.certificateKey);
  EXPECT_EQ(X509_check_private_key(ca::loadCertificateFile(config.certificate).get(), key.get()), 1);
}

}  // namespace
}  // namespace rspf::maf
