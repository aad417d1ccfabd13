#include "tls/reloadable_credentials.hpp"

#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include "common/error.hpp"
#include "tls/openssl_handles.hpp"

namespace rspf::tls {
namespace {

// Seconds from now to `t` (negative when past).
long long secondsUntil(const ASN1_TIME* t) {
  int days = 0, seconds = 0;
  if (t == nullptr || ASN1_TIME_diff(&days, &seconds, nullptr, t) != 1) return 0;
  return static_cast<long long>(days) * 86400 + seconds;
}

std::string notAfterText(const X509* certificate) {
  const ASN1_TIME* t = X509_get0_notAfter(certificate);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio || ASN1_TIME_print(bio.get(), t) != 1) return "?";
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

// SSL_CTX_set_cert_cb: before the server's certificate is chosen, for every handshake.
int useCurrentSet(SSL* ssl, void* arg) {
  auto set = static_cast<ReloadableServerCredentials*>(arg)->current();
  if (SSL_use_certificate(ssl, set->certificate.get()) != 1 || SSL_use_PrivateKey(ssl, set->privateKey.get()) != 1)
    return 0;
  if (set->clientTrustAnchors && SSL_set1_verify_cert_store(ssl, set->clientTrustAnchors.get()) != 1) return 0;
  return 1;
}

}  // namespace

std::shared_ptr<X509> ownCertificate(X509* certificate) { return {certificate, X509_free}; }
std::shared_ptr<EVP_PKEY> ownPrivateKey(EVP_PKEY* key) { return {key, EVP_PKEY_free}; }
std::shared_ptr<X509_STORE> ownStore(X509_STORE* store) { return {store, X509_STORE_free}; }

ReloadableServerCredentials::ReloadableServerCredentials(std::string what, Loader load)
    : what_(std::move(what)),
      load_(std::move(load)),
      current_(loadChecked()),
      hook_(
          what_, [this] { reload(); }, [this] { warnIfExpiring(); }) {
  warnIfExpiring();
}

std::shared_ptr<const ServerCredentialSet> ReloadableServerCredentials::loadChecked() const {
  auto set = std::make_shared<ServerCredentialSet>(load_());
  if (!set->certificate || !set->privateKey)
    throw Error(ErrorCode::Config, what_ + ": no certificate or no private key");
  if (X509_check_private_key(set->certificate.get(), set->privateKey.get()) != 1) {
    drainOpenSslErrors();
    throw Error(ErrorCode::Config, what_ + ": the private key does not belong to the certificate");
  }
  return set;
}

std::shared_ptr<const ServerCredentialSet> ReloadableServerCredentials::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

void ReloadableServerCredentials::reload() {
  auto fresh = loadChecked();  // throws before anything changes
  {
    std::lock_guard lock(mutex_);
    current_ = std::move(fresh);
  }
  spdlog::info("{}: reloaded (certificate valid until {})", what_, notAfterText(current()->certificate.get()));
  warnIfExpiring();
}

void ReloadableServerCredentials::warnIfExpiring() const {
  auto set = current();
  const auto left = secondsUntil(X509_get0_notAfter(set->certificate.get()));
  if (left <= 0)
    spdlog::error("{}: the certificate expired at {}: replace the files and send SIGHUP", what_,
                  notAfterText(set->certificate.get()));
  else if (left < std::chrono::duration_cast<std::chrono::seconds>(kExpiryWarning).count())
    spdlog::warn("{}: the certificate expires at {} (in {} days): renew it and send SIGHUP", what_,
                 notAfterText(set->certificate.get()), left / 86400);
}

void useReloadableCredentials(SSL_CTX* ctx, ReloadableServerCredentials& credentials) {
  SSL_CTX_set_cert_cb(ctx, useCurrentSet, &credentials);
}

void useReloadableCredentials(SSL* ssl, ReloadableServerCredentials& credentials) {
  SSL_set_cert_cb(ssl, useCurrentSet, &credentials);
}

}  // namespace rspf::tls
