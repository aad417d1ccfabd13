#include "ca_server/ca_server.hpp"

#include <spdlog/spdlog.h>

#include "bootstrap/framework_registry.hpp"
#include "ca/general_names.hpp"
#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "ca_server/est_certificate_authority.hpp"
#include "common/error.hpp"
#include "procedures/certificate_enrolment.hpp"
#include "store/open/open_store.hpp"
#include "transport/https/https_server.hpp"

namespace rspf::ca_server {
namespace {

// A registration authority is whoever presents a certificate chaining to the configured anchors;
// it is named by the certificate's first dNSName (its FQDN), for the log.
class RegistrationAuthorities final : public tls::CertificatePeerResolver {
 public:
  std::optional<tls::ResolvedPsk> resolve(const tls::PresentedCertificate& presented) override {
    if (!presented.chainVerified) {
      spdlog::info("client certificate refused: {}", X509_verify_cert_error_string(presented.verifyError));
      return std::nullopt;
    }
    tls::ResolvedPsk resolved;
    resolved.framework = "certificate";
    resolved.principal = "(unnamed)";
    for (const auto& name : ca::subjectAltNamesOf(presented.leaf))
      if (name.kind == ca::SubjectAltName::Kind::Dns) {
        resolved.principal = name.value;
        break;
      }
    return resolved;
  }
};

ca::EmbeddedCa loadAuthority(store::Store& store, const store::KeyEncryptionKey& kek, const CaServerConfig& c) {
  auto authority = procedures::loadCertificateAuthority(store, kek, c.label);
  if (!authority)
    throw Error(ErrorCode::Config, "the store " + c.store.describe() + " has no CA" +
                                       (c.label.empty() ? "" : " labelled '" + c.label + "'") +
                                       " (rspf admin --store FILE|URL ca init)");
  return std::move(*authority);
}

}  // namespace

struct CaServer::Impl {
  CaServerConfig config;
  std::unique_ptr<store::Store> store;
  EstCertificateAuthority service;
  std::shared_ptr<tls::ReloadableServerCredentials> credentials;  // files re-read on SIGHUP
  RegistrationAuthorities registrationAuthorities;
  bootstrap::FrameworkRegistry noPskFramework;  // registration authorities present certificates
  std::optional<transport::HttpsServer> server;

  Impl(const CaServerConfig& c, std::unique_ptr<store::Store> s, const store::KeyEncryptionKey& kek)
      : config(c), store(std::move(s)), service(*store, loadAuthority(*store, kek, config), config) {
    tls::ServerCredentialSet issued;  // when not from files: issued once at start
    if (!config.certificate) {
      auto key = ca::generateP256Key();
      auto certificate = service.authority().issueServerCertificate(config.fqdn, *key, std::chrono::hours(24 * 90));
      issued.certificate = tls::ownCertificate(ca::parseCertificate(certificate.der).release());
      issued.privateKey = tls::ownPrivateKey(key.release());
    }
    credentials = std::make_shared<tls::ReloadableServerCredentials>("CA server certificate", [c = config, issued] {
      tls::ServerCredentialSet set = issued;
      if (c.certificate) {
        set.certificate = tls::ownCertificate(ca::loadCertificateFile(*c.certificate).release());
        set.privateKey = tls::ownPrivateKey(ca::loadPrivateKeyFile(*c.privateKey).release());
      }
      set.clientTrustAnchors = tls::ownStore(ca::loadTrustStoreFile(c.clientTrustAnchors).release());
      return set;
    });
    transport::HttpsServerSettings settings;
    settings.name = "ca";
    settings.limits = config.limits;
    settings.host = config.host;
    settings.port = config.port;
    settings.tls.serverName = config.fqdn;
    settings.certificate = tls::CertificateServerCredentials{nullptr, nullptr, nullptr, true, credentials};
    settings.certificateResolver = &registrationAuthorities;
    server.emplace(std::move(settings), noPskFramework,
                   [this](const tls::AuthenticatedPeer& peer, const transport::HttpRequest& request) {
                     return service.handle(peer, request);
                   });
  }
};

CaServer::CaServer(const CaServerConfig& config) {
  auto kek = store::KeyEncryptionKey::load(config.kekFile);
  auto store = store::openStore(config.store, kek);
  impl_ = std::make_unique<Impl>(config, std::move(store), kek);
}

CaServer::~CaServer() = default;
std::uint16_t CaServer::port() const { return impl_->server->port(); }
void CaServer::start() { impl_->server->start(); }
void CaServer::stop() { impl_->server->stop(); }
void CaServer::wait() { impl_->server->wait(); }

}  // namespace rspf::ca_server
