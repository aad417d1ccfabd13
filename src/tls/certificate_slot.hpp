#pragma once
// A certificate and its key that are replaced while contexts use them (issue 10 item 1: the MEF's
// certificate renewed from its embedded CA, a MAF's renewed by EST): a context the slot is installed
// in takes the pair current at each new handshake (SSL_CTX_set_cert_cb, server and client side);
// handshakes already done keep theirs.
#include <openssl/ssl.h>

#include <memory>
#include <mutex>

namespace rspf::tls {

class CertificateSlot {
 public:
  CertificateSlot(X509* certificate, EVP_PKEY* privateKey) { replace(certificate, privateKey); }
  // Up-references both; throws Error(Config) when the key does not belong to the certificate.
  void replace(X509* certificate, EVP_PKEY* privateKey);
  // The slot must outlive `ctx` (or `ssl`).
  void install(SSL_CTX* ctx) const;
  void install(SSL* ssl) const;

 private:
  struct Pair {
    X509* certificate = nullptr;
    EVP_PKEY* privateKey = nullptr;
    Pair(X509* c, EVP_PKEY* k);
    ~Pair();
    Pair(const Pair&) = delete;
    Pair& operator=(const Pair&) = delete;
  };
  static int useCurrent(SSL* ssl, void* slot);

  mutable std::mutex mutex_;
  std::shared_ptr<const Pair> current_;
};

}  // namespace rspf::tls
