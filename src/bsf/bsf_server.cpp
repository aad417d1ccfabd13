#include "bsf/bsf_server.hpp"

#include <spdlog/spdlog.h>

#include "bsf/bootstrapping_function.hpp"
#include "bsf/zn_key_service.hpp"
#include "ca/general_names.hpp"
#include "ca/pem.hpp"
#include "common/error.hpp"
#include "common/safe_text.hpp"
#include "transport/https/https_server.hpp"

namespace rspf::bsf {
namespace {

// The BSF offers no PSK framework: every PSK identity is unknown.
class NoPskIdentities : public tls::PskIdentityResolver {
 public:
  std::optional<tls::ResolvedPsk> resolve(std::string_view) override { return std::nullopt; }
};

// A NAF is known by the dNSNames of its verified certificate (TS 33.220 4.5.3: the BSF checks the
// NAF is authorised; here, that its certificate names the NAF_Id's FQDN).
class NafCertificateResolver : public tls::CertificatePeerResolver {
 public:
  std::optional<tls::ResolvedPsk> resolve(const tls::PresentedCertificate& presented) override {
    if (!presented.chainVerified) {
      spdlog::info("Zn client certificate refused: {}", X509_verify_cert_error_string(presented.verifyError));
      return std::nullopt;
    }
    std::string names;
    for (const auto& name : ca::subjectAltNamesOf(presented.leaf)) {
      if (name.kind != ca::SubjectAltName::Kind::Dns) continue;
      if (!names.empty()) names += ',';
      names += name.value;
    }
    if (names.empty()) return std::nullopt;
    tls::ResolvedPsk peer;
    peer.framework = kNafFramework;
    peer.principal = names.substr(0, names.find(','));
    peer.attributes[kNafDnsNamesAttribute] = names;
    return peer;
  }
};

}  // namespace

struct BsfServer::Impl {
  SubscriberStore store;
  BootstrappingFunction ub;
  ZnKeyService zn;
  NoPskIdentities noPsk;
  NafCertificateResolver nafResolver;
  std::shared_ptr<tls::ReloadableServerCredentials> credentials;  // the files, re-read on SIGHUP
  transport::HttpsServer server;

  explicit Impl(const BsfConfig& c)
      : store(c.store, store::KeyEncryptionKey::load(c.kekFile)),
        ub(store, BootstrappingSettings{c.fqdn, c.btidLifetime, c.challengeLifetime, c.maxChallengesPerImpi,
                                        c.maxChallengesPerSource}),
        zn(store),
        credentials(std::make_shared<tls::ReloadableServerCredentials>(
            "BSF certificate",
            [c] {
              return tls::ServerCredentialSet{tls::ownCertificate(ca::loadCertificateFile(c.certificate).release()),
                                              tls::ownPrivateKey(ca::loadPrivateKeyFile(c.privateKey).release()),
                                              tls::ownStore(ca::loadTrustStoreFile(c.nafTrustAnchors).release())};
            })),
        server(settings(c), noPsk, [this](const tls::AuthenticatedPeer& peer, const transport::HttpRequest& request) {
          return route(peer, request);
        }) {}

  transport::HttpsServerSettings settings(const BsfConfig& c) {
    transport::HttpsServerSettings s;
    s.name = "bsf";
    s.limits = c.limits;
    s.host = c.host;
    s.port = c.port;
    s.threads = c.threads;
    s.workers = c.workers;
    s.maxBodyBytes = 4 * 1024;
    s.tls.serverName = c.fqdn;
    s.certificate = tls::CertificateServerCredentials{nullptr, nullptr, nullptr, false, credentials};
    s.certificateResolver = &nafResolver;
    s.anonymousClients = true;
    return s;
  }

  transport::HttpResponse route(const tls::AuthenticatedPeer& peer, const transport::HttpRequest& request) {
    std::string_view path = std::string_view(request.target).substr(0, request.target.find('?'));
    if (path == "/") return ub.handle(request, peer.remoteAddress);
    if (path == "/zn/keys") return zn.handle(peer, request);
    throw Error(ErrorCode::NotFound, "no resource " + safeErrorText(path) + " (Ub is GET /, Zn is GET /zn/keys)");
  }
};

BsfServer::BsfServer(const BsfConfig& config) : impl_(std::make_unique<Impl>(config)) {
  if (auto purged = impl_->store.purgeExpiredSessions(now()); purged > 0)
    spdlog::info("purged {} expired bootstrapping sessions", purged);
}
BsfServer::~BsfServer() = default;
std::uint16_t BsfServer::port() const { return impl_->server.port(); }
void BsfServer::start() { impl_->server.start(); }
void BsfServer::stop() { impl_->server.stop(); }
void BsfServer::wait() { impl_->server.wait(); }

}  // namespace rspf::bsf
