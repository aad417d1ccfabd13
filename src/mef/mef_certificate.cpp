#include "mef/mef_certificate.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <iterator>

#include "ca/embedded_ca.hpp"
#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "ca/revocation_list.hpp"
#include "common/error.hpp"
#include "common/openssl_errors.hpp"
#include "procedures/certificate_enrolment.hpp"

namespace rspf::mef {
namespace {

void addAnchor(X509_STORE* anchors, const X509& certificate) {
  auto copy = ca::duplicate(certificate);
  if (X509_STORE_add_cert(anchors, copy.get()) != 1)
    throw Error(ErrorCode::Config, "cannot use a client trust anchor: " + drainOpenSslErrors());
}

// A CRL file: PEM (one or more CRLs) or DER (one). Throws Error(Config).
std::vector<ca::X509CrlPtr> loadCrls(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), {});
  if (!in && data.empty()) throw Error(ErrorCode::Config, "cannot read the CRL " + file.string());
  try {
    return ca::parseCrls(crypto::asBytes(data));
  } catch (const Error& e) {
    throw Error(ErrorCode::Config, file.string() + ": " + e.what());
  }
}

// Turns on CRL checking (RFC 5280 6.3) of Enrolee certificates against the client trust anchors,
// and keeps the CRLs (DER) for the anchors registered with device identities (issue 10 item 6).
void addCrls(MefCertificate& m, const std::filesystem::path& file) {
  for (const auto& crl : loadCrls(file)) {
    if (X509_STORE_add_crl(m.clientTrustAnchors.get(), crl.get()) != 1)
      throw Error(ErrorCode::Config, file.string() + ": cannot use the CRL: " + drainOpenSslErrors());
    unsigned char* der = nullptr;
    int length = i2d_X509_CRL(crl.get(), &der);
    if (length <= 0) throw Error(ErrorCode::Config, file.string() + ": cannot encode the CRL");
    m.crls.emplace_back(der, der + length);
    OPENSSL_free(der);
  }
  X509_STORE_set_flags(m.clientTrustAnchors.get(), X509_V_FLAG_CRL_CHECK);
  spdlog::info("CRL checking of Enrolee certificates on ({}: {} CRL(s))", file.string(), m.crls.size());
}

}  // namespace

std::optional<MefCertificate> mefCertificate(store::Store& store, const store::KeyEncryptionKey& kek,
                                             const std::string& fqdn, const MefCertificateFiles& files) {
  auto authority = procedures::loadCertificateAuthority(store, kek, "");
  if (!files.certificate && !authority) return std::nullopt;
  MefCertificate m;
  if (files.certificate) {
    m.certificate = ca::loadCertificateFile(*files.certificate);
    m.privateKey = ca::loadPrivateKeyFile(*files.privateKey);
    m.expiry = ca::describeIssuedCertificate(ca::certificateDer(*m.certificate)).notAfter;
    spdlog::info("MEF certificate from {}", files.certificate->string());
  } else {
    m.privateKey = ca::generateP256Key();
    auto issued = authority->issueServerCertificate(fqdn, *m.privateKey, files.embeddedValidity);
    m.certificate = ca::parseCertificate(issued.der);
    m.fromEmbeddedCa = true;
    m.issuedAt = now();
    m.expiry = issued.notAfter;
    spdlog::info("MEF certificate for {} from the embedded CA (serial {}, until {})", fqdn, issued.serialHex,
                 toRfc3339(issued.notAfter));
  }
  m.slot = std::make_unique<tls::CertificateSlot>(m.certificate.get(), m.privateKey.get());
  m.clientTrustAnchors.reset(X509_STORE_new());
  if (!m.clientTrustAnchors) throw Error(ErrorCode::Internal, "cannot build the MEF's client trust anchors");
  if (files.clientTrustAnchors) {
    for (const auto& anchor : ca::loadCertificatesFile(*files.clientTrustAnchors))
      addAnchor(m.clientTrustAnchors.get(), *anchor);
  } else if (authority) {
    addAnchor(m.clientTrustAnchors.get(), authority->certificate());
  } else {
    throw Error(ErrorCode::Config, "tls.client_trust_anchors is required when the store has no embedded CA");
  }
  if (files.crl) addCrls(m, *files.crl);
  return m;
}

}  // namespace rspf::mef

namespace rspf::mef {

target::Validity renewMefCertificate(MefCertificate& certificate, store::Store& store,
                                     const store::KeyEncryptionKey& kek, const std::string& fqdn,
                                     std::chrono::seconds validity) {
  auto authority = procedures::loadCertificateAuthority(store, kek, "");
  if (!authority) throw Error(ErrorCode::Config, "the store no longer has its embedded CA");
  auto key = ca::generateP256Key();
  auto issued = authority->issueServerCertificate(fqdn, *key, validity);
  auto renewed = ca::parseCertificate(issued.der);
  certificate.slot->replace(renewed.get(), key.get());
  spdlog::info("MEF certificate for {} renewed from the embedded CA: serial {} until {}", fqdn, issued.serialHex,
               toRfc3339(issued.notAfter));
  return {now(), issued.notAfter};
}

}  // namespace rspf::mef
