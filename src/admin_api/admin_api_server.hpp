#pragma once
// The Admin REST API's own HTTPS listener (TLS 1.2, ECDHE-ECDSA, the certificate profile): the
// server certificate is [admin_api] certificate or the MEF's; a client proves itself with a
// certificate chaining to [admin_api] client_trust_anchors, a bearer token matching
// [admin_api] token_file, or both when both are configured. A presented certificate that does not
// verify fails the handshake; a request without the configured credential(s) gets 401.
#include <memory>
#include <optional>

#include "admin_api/admin_api_settings.hpp"
#include "admin_api/admin_router.hpp"
#include "tls/certificate_profile.hpp"
#include "transport/server_observer.hpp"

namespace rspf::admin_api {

class AdminApiServer {
 public:
  // `defaultCredentials`: the MEF's certificate and key, used when [admin_api] names none (its
  // client anchors are not used). `observer` (may be null) counts the listener's refusals.
  // Binds at once; throws Error(Config).
  AdminApiServer(const AdminApiSettings& settings, store::Store& store, store::KeyEncryptionKey kek,
                 AdminContext context, const std::optional<tls::CertificateServerCredentials>& defaultCredentials,
                 transport::ServerObserver* observer = nullptr);  // metrics; not owned
  ~AdminApiServer();
  AdminApiServer(const AdminApiServer&) = delete;
  AdminApiServer& operator=(const AdminApiServer&) = delete;

  std::uint16_t port() const;
  void start();  // and writes the ready file
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rspf::admin_api
