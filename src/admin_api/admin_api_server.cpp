#include "admin_api/admin_api_server.hpp"

#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include "admin_api/admin_token.hpp"
#include "ca/openssl_objects.hpp"
#include "ca/pem.hpp"
#include "common/error.hpp"
#include "common/openssl_errors.hpp"
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
  std::optional<AdminToken> token;
  ca::X509Ptr certificate;  // when configured for the admin listener
  ca::EvpPkeyPtr privateKey;
  ca::X509StorePtr clientAnchors;
  NoPskIdentities noPsk;
  AdministratorCertificates administrators;
  std::optional<transport::HttpsServer> server;

  Impl(const AdminApiSettings& s, store::Store& store, store::KeyEncryptionKey kek, AdminContext context)
      : settings(s), router(store, std::move(kek), std::move(context)) {}

  // Every configured factor is required (docs/security.md): a certificate when anchors are
  // configured, the token when a token file is.
  transport::HttpResponse handle(const tls::AuthenticatedPeer& peer, const transport::HttpRequest& request) {
    if (settings.clientTrustAnchors && peer.framework != kCertificateFramework)
      return unauthorized("a client certificate issued under the admin API's trust anchors is required");
    if (token) {
      auto authorization = request.header("Authorization");
      auto presented = authorization ? AdminToken::bearerToken(*authorization) : std::nullopt;
      if (!presented || !token->matches(*presented))
        return unauthorized(presented ? "the bearer token is not valid" : "a bearer token is required");
    }
    return router.handle(request);
  }

  transport::HttpResponse unauthorized(const std::string& reason) const {
    auto r = transport::errorResponse(401, reason);
    if (token) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"rspf-admin\"");
    return r;
  }
};

AdminApiServer::AdminApiServer(const AdminApiSettings& settings, store::Store& store, store::KeyEncryptionKey kek,
                               AdminContext context,
                               const std::optional<tls::CertificateServerCredentials>& defaultCredentials)
    : impl_(std::make_unique<Impl>(settings, store, std::move(kek), std::move(context))) {
  auto& i = *impl_;
  if (settings.tokenFile) i.token = AdminToken::load(*settings.tokenFile);
  tls::CertificateServerCredentials credentials;
  if (settings.certificate) {
    i.certificate = ca::loadCertificateFile(*settings.certificate);
    i.privateKey = ca::loadPrivateKeyFile(*settings.privateKey);
    credentials.certificate = i.certificate.get();
    credentials.privateKey = i.privateKey.get();
  } else if (defaultCredentials) {
    credentials.certificate = defaultCredentials->certificate;
    credentials.privateKey = defaultCredentials->privateKey;
  } else {
    throw Error(ErrorCode::Config,
                "the admin API needs a server certificate: [admin_api] certificate and private_key, [tls] "
                "certificate, or an embedded CA (`rspf admin ca init`)");
  }
  i.clientAnchors = anchorsFrom(settings.clientTrustAnchors);
  credentials.clientTrustAnchors = i.clientAnchors.get();
  credentials.clientCertificateRequired = false;  // a missing credential is answered with 401

  transport::HttpsServerSettings s;
  s.host = settings.host;
  s.port = settings.port;
  s.threads = 1;
  s.workers = 2;
  s.maxBodyBytes = settings.maxBodyBytes;
  s.idleTimeout = std::chrono::seconds(60);
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
