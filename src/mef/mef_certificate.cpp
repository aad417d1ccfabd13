#include "mef/mef_certificate.hpp"

#include <spdlog/spdlog.h>

#include "ca/crl_file.hpp"
#include "ca/embedded_ca.hpp"
#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "ca/revocation_list.hpp"
#include "common/error.hpp"
#include "common/openssl_errors.hpp"
#include "common/text_file.hpp"
#include "procedures/certificate_enrolment.hpp"

namespace rspf::mef {
namespace {

void addAnchor(X509_STORE* anchors, const X509& certificate) {
  auto copy = ca::duplicate(certificate);
  if (X509_STORE_add_cert(anchors, copy.get()) != 1)
    throw Error(ErrorCode::Config, "cannot use a client trust anchor: " + drainOpenSslErrors());
}

// A CRL file, PEM (one or more) or DER; turns on CRL checking (RFC 5280 6.3) of Enrolee certificates.
void addCrl(X509_STORE* anchors, const std::filesystem::path& file) {
  try {
    ca::addCrlsToStore(anchors, crypto::asBytes(readTextFile(file, "the CRL")));
  } catch (const Error& e) {
    throw Error(ErrorCode::Config, "cannot use the CRL " + file.string() + ": " + e.what());
  }
}

// The CRLs of the file as DER, for the anchors registered with device identities (issue 10 item 6).
std::vector<crypto::Bytes> crlsDerOf(const std::filesystem::path& file) {
  std::vector<crypto::Bytes> all;
  for (const auto& crl : ca::parseCrls(crypto::asBytes(readTextFile(file, "the CRL")))) {
    unsigned char* der = nullptr;
    int length = i2d_X509_CRL(crl.get(), &der);
    if (length <= 0) throw Error(ErrorCode::Config, file.string() + ": cannot encode the CRL");
    all.emplace_back(der, der + length);
    OPENSSL_free(der);
  }
  return all;
}

}  // namespace

std::optional<MefCertificate> mefCertificate(store::Store& store, const store::KeyEncryptionKey& kek,
                                             const std::string& fqdn, const MefCertificateFiles& files) {
  auto authority = procedures::loadCertificateAuthority(store, kek, "");
  if (!files.certificate && !authority) return std::nullopt;
  if (!files.clientTrustAnchors && !authority)
    throw Error(ErrorCode::Config, "tls.client_trust_anchors is required when the store has no embedded CA");
  // Issued once at start when not from files; the files (certificate, anchors, CRL) are re-read on SIGHUP.
  std::shared_ptr<EmbeddedIssue> embedded;
  TimePoint issuedAt = now(), expiry{};
  if (!files.certificate) {
    auto key = ca::generateP256Key();
    auto certificate = authority->issueServerCertificate(fqdn, *key, files.embeddedValidity);
    embedded = std::make_shared<EmbeddedIssue>();
    embedded->certificate = tls::ownCertificate(ca::parseCertificate(certificate.der).release());
    embedded->privateKey = tls::ownPrivateKey(key.release());
    expiry = certificate.notAfter;
    spdlog::info("MEF certificate for {} from the embedded CA (serial {}, until {})", fqdn, certificate.serialHex,
                 toRfc3339(certificate.notAfter));
  }
  std::shared_ptr<X509> authorityCertificate;
  if (authority) authorityCertificate = tls::ownCertificate(ca::duplicate(authority->certificate()).release());
  auto load = [files, embedded, authorityCertificate] {
    tls::ServerCredentialSet set;
    if (embedded) {
      std::lock_guard lock(embedded->mutex);
      set.certificate = embedded->certificate;
      set.privateKey = embedded->privateKey;
    }
    if (files.certificate) {
      set.certificate = tls::ownCertificate(ca::loadCertificateFile(*files.certificate).release());
      set.privateKey = tls::ownPrivateKey(ca::loadPrivateKeyFile(*files.privateKey).release());
    }
    set.clientTrustAnchors = tls::ownStore(X509_STORE_new());
    if (!set.clientTrustAnchors) throw Error(ErrorCode::Internal, "cannot build the MEF's client trust anchors");
    if (files.clientTrustAnchors) {
      for (const auto& anchor : ca::loadCertificatesFile(*files.clientTrustAnchors))
        addAnchor(set.clientTrustAnchors.get(), *anchor);
    } else {
      addAnchor(set.clientTrustAnchors.get(), *authorityCertificate);
    }
    if (files.crl) addCrl(set.clientTrustAnchors.get(), *files.crl);
    return set;
  };
  MefCertificate m;
  m.reloadable = std::make_shared<tls::ReloadableServerCredentials>("MEF certificate", load);
  auto set = m.reloadable->current();
  m.certificate = ca::duplicate(*set->certificate);
  X509_STORE_up_ref(set->clientTrustAnchors.get());
  m.clientTrustAnchors.reset(set->clientTrustAnchors.get());
  EVP_PKEY_up_ref(set->privateKey.get());
  m.privateKey.reset(set->privateKey.get());
  m.embedded = embedded;
  m.slot = std::make_unique<tls::CertificateSlot>(m.certificate.get(), m.privateKey.get());
  m.issuedAt = issuedAt;
  m.expiry = embedded ? expiry : ca::describeIssuedCertificate(ca::certificateDer(*m.certificate)).notAfter;
  if (files.crl) m.crls = crlsDerOf(*files.crl);
  if (files.certificate) spdlog::info("MEF certificate from {}", files.certificate->string());
  if (files.crl) spdlog::info("CRL checking of Enrolee certificates on ({})", files.crl->string());
  return m;
}

}  // namespace rspf::mef

namespace rspf::mef {

lifecycle::Validity renewMefCertificate(MefCertificate& certificate, store::Store& store,
                                        const store::KeyEncryptionKey& kek, const std::string& fqdn,
                                        std::chrono::seconds validity) {
  if (!certificate.embedded) throw Error(ErrorCode::Internal, "the MEF's certificate comes from files");
  auto authority = procedures::loadCertificateAuthority(store, kek, "");
  if (!authority) throw Error(ErrorCode::Config, "the store no longer has its embedded CA");
  auto key = ca::generateP256Key();
  auto issued = authority->issueServerCertificate(fqdn, *key, validity);
  auto renewed = ca::parseCertificate(issued.der);
  certificate.slot->replace(renewed.get(), key.get());
  {
    std::lock_guard lock(certificate.embedded->mutex);
    certificate.embedded->certificate = tls::ownCertificate(renewed.release());
    certificate.embedded->privateKey = tls::ownPrivateKey(key.release());
  }
  certificate.reloadable->reload();  // the listeners' set, with the new certificate
  spdlog::info("MEF certificate for {} renewed from the embedded CA: serial {} until {}", fqdn, issued.serialHex,
               toRfc3339(issued.notAfter));
  return {now(), issued.notAfter};
}

}  // namespace rspf::mef
