#include "mef/mef_certificate.hpp"

#include <spdlog/spdlog.h>

#include "ca/crl_file.hpp"
#include "ca/embedded_ca.hpp"
#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
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

// A CRL file, PEM or DER; turns on CRL checking (RFC 5280 6.3) of Enrolee certificates.
void addCrl(X509_STORE* anchors, const std::filesystem::path& file) {
  auto crl = ca::loadCrlFile(file);
  if (X509_STORE_add_crl(anchors, crl.get()) != 1)
    throw Error(ErrorCode::Config, "cannot use the CRL " + file.string() + ": " + drainOpenSslErrors());
  X509_STORE_set_flags(anchors, X509_V_FLAG_CRL_CHECK);
}

}  // namespace

std::optional<MefCertificate> mefCertificate(store::Store& store, const store::KeyEncryptionKey& kek,
                                             const std::string& fqdn, const MefCertificateFiles& files) {
  auto authority = procedures::loadCertificateAuthority(store, kek, "");
  if (!files.certificate && !authority) return std::nullopt;
  if (!files.clientTrustAnchors && !authority)
    throw Error(ErrorCode::Config, "tls.client_trust_anchors is required when the store has no embedded CA");
  // Issued once at start when not from files; the files (certificate, anchors, CRL) are re-read on SIGHUP.
  tls::ServerCredentialSet issued;
  if (!files.certificate) {
    auto key = ca::generateP256Key();
    auto certificate = authority->issueServerCertificate(fqdn, *key, std::chrono::hours(24 * 90));
    issued.certificate = tls::ownCertificate(ca::parseCertificate(certificate.der).release());
    issued.privateKey = tls::ownPrivateKey(key.release());
    spdlog::info("MEF certificate for {} from the embedded CA (serial {})", fqdn, certificate.serialHex);
  }
  std::shared_ptr<X509> authorityCertificate;
  if (authority) authorityCertificate = tls::ownCertificate(ca::duplicate(authority->certificate()).release());
  auto load = [files, issued, authorityCertificate] {
    tls::ServerCredentialSet set = issued;
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
  if (files.certificate) spdlog::info("MEF certificate from {}", files.certificate->string());
  if (files.crl) spdlog::info("CRL checking of Enrolee certificates on ({})", files.crl->string());
  return m;
}

}  // namespace rspf::mef
