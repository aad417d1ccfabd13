#pragma once
// A server's certificate, private key and client trust anchors (with their CRLs), held so that SIGHUP
// can replace them while the server runs (issue 13 item 3, issue 10 item 1). Every new handshake reads
// the current set atomically; one in progress keeps the set it started with. A new set that does not
// load, or whose key does not fit its certificate, is refused and the old one stays in use.
#include <openssl/ssl.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "common/reload_hooks.hpp"

namespace rspf::tls {

struct ServerCredentialSet {
  std::shared_ptr<X509> certificate;
  std::shared_ptr<EVP_PKEY> privateKey;
  std::shared_ptr<X509_STORE> clientTrustAnchors;  // may be null: the context's store is used
};

// Owning wrappers for a loader to fill a set (they up-reference nothing: they take ownership).
std::shared_ptr<X509> ownCertificate(X509* certificate);
std::shared_ptr<EVP_PKEY> ownPrivateKey(EVP_PKEY* key);
std::shared_ptr<X509_STORE> ownStore(X509_STORE* store);

// How long before a certificate's notAfter the log warns (at load, at reload and hourly).
inline constexpr std::chrono::hours kExpiryWarning{24 * 30};

class ReloadableServerCredentials {
 public:
  using Loader = std::function<ServerCredentialSet()>;  // throws Error(Config) naming the file

  // Loads at once (throws when the first set does not load); registers a SIGHUP reload hook.
  ReloadableServerCredentials(std::string what, Loader load);
  ReloadableServerCredentials(const ReloadableServerCredentials&) = delete;
  ReloadableServerCredentials& operator=(const ReloadableServerCredentials&) = delete;

  std::shared_ptr<const ServerCredentialSet> current() const;
  void reload();  // throws, keeping the current set
  // Logs a warning when the current certificate expires within kExpiryWarning (or has expired).
  void warnIfExpiring() const;
  const std::string& what() const { return what_; }

 private:
  std::shared_ptr<const ServerCredentialSet> loadChecked() const;

  std::string what_;
  Loader load_;
  mutable std::mutex mutex_;
  std::shared_ptr<const ServerCredentialSet> current_;
  ReloadHook hook_;
};

// Makes every new handshake on `ctx` use `credentials`' current set (SSL_CTX_set_cert_cb); the
// credentials must outlive the context.
void useReloadableCredentials(SSL_CTX* ctx, ReloadableServerCredentials& credentials);
void useReloadableCredentials(SSL* ssl, ReloadableServerCredentials& credentials);  // one connection

}  // namespace rspf::tls
