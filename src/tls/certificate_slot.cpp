#include "tls/certificate_slot.hpp"

#include <openssl/x509.h>

#include "common/error.hpp"
#include "tls/openssl_handles.hpp"

namespace rspf::tls {

CertificateSlot::Pair::Pair(X509* c, EVP_PKEY* k) : certificate(c), privateKey(k) {
  X509_up_ref(certificate);
  EVP_PKEY_up_ref(privateKey);
}

CertificateSlot::Pair::~Pair() {
  X509_free(certificate);
  EVP_PKEY_free(privateKey);
}

void CertificateSlot::replace(X509* certificate, EVP_PKEY* privateKey) {
  if (certificate == nullptr || privateKey == nullptr || X509_check_private_key(certificate, privateKey) != 1)
    throw Error(ErrorCode::Config, "the certificate and key do not fit: " + drainOpenSslErrors());
  auto next = std::make_shared<const Pair>(certificate, privateKey);
  std::lock_guard lock(mutex_);
  current_ = std::move(next);
}

int CertificateSlot::useCurrent(SSL* ssl, void* arg) {
  const auto* slot = static_cast<const CertificateSlot*>(arg);
  std::shared_ptr<const Pair> pair;
  {
    std::lock_guard lock(slot->mutex_);
    pair = slot->current_;
  }
  // SSL_use_* up-reference what they keep.
  return SSL_use_certificate(ssl, pair->certificate) == 1 && SSL_use_PrivateKey(ssl, pair->privateKey) == 1 ? 1 : 0;
}

void CertificateSlot::install(SSL_CTX* ctx) const {
  SSL_CTX_set_cert_cb(ctx, &CertificateSlot::useCurrent, const_cast<CertificateSlot*>(this));
}

void CertificateSlot::install(SSL* ssl) const {
  SSL_set_cert_cb(ssl, &CertificateSlot::useCurrent, const_cast<CertificateSlot*>(this));
}

}  // namespace rspf::tls
