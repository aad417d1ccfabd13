#include "admin_api/admin_api_server.hpp"

#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <mutex>

#include "admin_api/admin_token.hpp"
#include "ca/openssl_objects.hpp"
#include "ca/pem.hpp"
#include "common/error.hpp"
#include "common/openssl_errors.hpp"
#include "common/reload_hooks.hpp"
#include "common/text_file.hpp"
#include "transport/https/https_server.hpp"

namespace rspf::admin_api {
namespace {

constexpr const char* kCertificateFramework = "admin-certificate";

// The admin listener takes no pre-shared keys.
class NoPskIdentities : public tls::PskIdentityResolver {
 public:
  std::optional<tls::ResolvedPsk> resolve(std::string_view) override { return std::nullopt; }
};

// A client certificate is an administrator when its chain verified against the admin anchors.
class AdministratorCertificates : public tls::CertificatePeerResolver {
 public:
  std::optional<tls::ResolvedPsk> resolve(const tls::PresentedCertificate& presented) override {
    if (!presented.chainVerified) return std::nullopt;  // the handshake log says why
    std::string subject(256, '\0');
    X509_NAME_oneline(X509_get_subject_name(&presented.leaf), subject.data(), static_cast<int>(subject.size()));
    subject.resize(subject.find('\0'));
    return tls::ResolvedPsk{{}, kCertificateFramework, subject, {}, {}};
  }
};

// The listener's refusals and requests reach the observer it is given (the MEF passes
// PrometheusMetrics::adminApiObserver(), which counts them apart from the role's own traffic); its
// handshakes do not.
class RequestsAndRefusals : public transport::ServerObserver {
 public:
  explicit RequestsAndRefusals(transport::ServerObserver* next) : next_(next) {}
  void handshake(const transport::HandshakeReport&) override {}
  void request(int status, std::chrono::nanoseconds latency) override {
    if (next_) next_->request(status, latency);
  }
  void refused(std::string_view listener, std::string_view reason) override {
    if (next_) next_->refused(listener, reason);
  }

 private:
  transport::ServerObserver* next_;
};

ca::X509StorePtr anchorsFrom(const std::optional<std::filesystem::path>& file) {
  if (file) return ca::loadTrustStoreFile(*file);
  ca::X509StorePtr none(X509_STORE_new());  // token only: no certificate can verify, so none is accepted
  if (!none) throw Error(ErrorCode::Internal, "cannot build the admin API's client trust anchors");
  return none;
}

}  // namespace

struct AdminApiServer::Impl {
  AdminApiSettings settings;
  AdminRouter router;
  mutable std::mutex tokenMutex;
  std::shared_ptr<const AdminToken> token;  // replaced on SIGHUP
  std::optional<ReloadHook> tokenReload;
  std::shared_ptr<tls::ReloadableServerCredentials> credentials;
  NoPskIdentities noPsk;
  AdministratorCertificates administrators;
  RequestsAndRefusals refusals;
  std::optional<transport::HttpsServer> server;

  Impl(const AdminApiSettings& s, store::Store& store, store::KeyEncryptionKey kek, AdminContext context,
       transport::ServerObserver* observer)
      : settings(s), router(store, std::move(kek), std::move(context)), refusals(observer) {}

  // Every configured factor is required (docs/security.md): a certificate when anchors are
  // configured, the token when a token file is. Checked on the request's header, before its body
  // is read (a refused request never costs max_body_bytes), and again before it is handled.
  std::optional<transport::HttpResponse> authenticate(const tls::AuthenticatedPeer& peer,
                                                      const transport::HttpRequest& head) const {
    if (settings.clientTrustAnchors && peer.framework != kCertificateFramework)
      return unauthorized("a client certificate issued under the admin API's trust anchors is required");
    if (auto current = currentToken()) {
      auto authorization = head.header("Authorization");
      auto presented = authorization ? AdminToken::bearerToken(*authorization) : std::nullopt;
      if (!presented || !current->matches(*presented))
        return unauthorized(presented ? "the bearer token is not valid" : "a bearer token is required");
    }
    return std::nullopt;
  }

  transport::HttpResponse handle(const tls::AuthenticatedPeer& peer, const transport::HttpRequest& request) {
    if (auto refused = authenticate(peer, request)) return std::move(*refused);
    // Who authenticated, for the audit log: the certificate's subject, else the token's file name.
    std::string principal = peer.framework == kCertificateFramework ? "cert:" + peer.principal
                            : settings.tokenFile                    ? "token:" + settings.tokenFile->filename().string()
                                                                    : "";
    return router.handle(request, principal);
  }

  std::shared_ptr<const AdminToken> currentToken() const {
    std::lock_guard lock(tokenMutex);
    return token;
  }

  void reloadToken() {
    auto fresh = std::make_shared<const AdminToken>(AdminToken::load(*settings.tokenFile));  // throws, keeping the old
    std::lock_guard lock(tokenMutex);
    token = std::move(fresh);
    spdlog::info("admin API token reloaded from {}", settings.tokenFile->string());
  }

  transport::HttpResponse unauthorized(const std::string& reason) const {
    auto r = transport::errorResponse(401, reason);
    if (settings.tokenFile) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"rspf-admin\"");
    return r;
  }
};

AdminApiServer::AdminApiServer(const AdminApiSettings& settings, store::Store& store, store::KeyEncryptionKey kek,
                               AdminContext context,
                               const std::optional<tls::CertificateServerCredentials>& defaultCredentials,
                               transport::ServerObserver* observer)
    : impl_(std::make_unique<Impl>(settings, store, std::move(kek), std::move(context), observer)) {
  auto& i = *impl_;
  if (settings.tokenFile) {
    i.token = std::make_shared<const AdminToken>(AdminToken::load(*settings.tokenFile));
    i.tokenReload.emplace("admin API token", [&i] { i.reloadToken(); });
  }
  if (!settings.certificate && !defaultCredentials)
    throw Error(ErrorCode::Config,
                "the admin API needs a server certificate: [admin_api] certificate and private_key, [tls] "
                "certificate, or an embedded CA (`rspf admin ca init`)");
  // Its own files, else the MEF's (current) certificate; its own anchors. All re-read on SIGHUP.
  const tls::CertificateServerCredentials fallback = defaultCredentials.value_or(tls::CertificateServerCredentials{});
  i.credentials = std::make_shared<tls::ReloadableServerCredentials>("admin API certificate", [settings, fallback] {
    tls::ServerCredentialSet set;
    if (settings.certificate) {
      set.certificate = tls::ownCertificate(ca::loadCertificateFile(*settings.certificate).release());
      set.privateKey = tls::ownPrivateKey(ca::loadPrivateKeyFile(*settings.privateKey).release());
    } else if (fallback.reloadable) {
      auto mef = fallback.reloadable->current();
      set.certificate = mef->certificate;
      set.privateKey = mef->privateKey;
    } else {
      X509_up_ref(fallback.certificate);
      set.certificate = tls::ownCertificate(fallback.certificate);
      EVP_PKEY_up_ref(fallback.privateKey);
      set.privateKey = tls::ownPrivateKey(fallback.privateKey);
    }
    set.clientTrustAnchors = tls::ownStore(anchorsFrom(settings.clientTrustAnchors).release());
    return set;
  });
  tls::CertificateServerCredentials credentials;
  credentials.reloadable = i.credentials;
  credentials.clientCertificateRequired = false;  // a missing credential is answered with 401

  transport::HttpsServerSettings s;
  s.host = settings.host;
  s.port = settings.port;
  s.threads = 1;
  s.workers = 2;
  s.maxBodyBytes = settings.maxBodyBytes;
  s.name = "admin_api";
  s.limits = settings.limits;
  s.observer = &i.refusals;
  s.checkHeader = [&i](const tls::AuthenticatedPeer& peer, const transport::HttpRequest& head) {
    return i.authenticate(peer, head);
  };
  s.certificate = credentials;
  s.anonymousClients = true;
  s.certificateResolver = &i.administrators;
  i.server.emplace(s, i.noPsk, [&i](const tls::AuthenticatedPeer& peer, const transport::HttpRequest& request) {
    return i.handle(peer, request);
  });
}

AdminApiServer::~AdminApiServer() { stop(); }

std::uint16_t AdminApiServer::port() const { return impl_->server->port(); }

void AdminApiServer::start() {
  impl_->server->start();
  if (impl_->settings.readyFile) writeReadyFile(*impl_->settings.readyFile, impl_->settings.host, port());
  spdlog::info("admin API listening on https://{}:{} ({})", impl_->settings.host, port(),
               impl_->settings.clientTrustAnchors && impl_->settings.tokenFile ? "client certificate and bearer token"
               : impl_->settings.clientTrustAnchors                            ? "client certificate"
                                                                               : "bearer token");
}

void AdminApiServer::stop() {
  if (!impl_->server) return;
  impl_->server->stop();
  impl_->server->wait();
}

}  // namespace rspf::admin_api
