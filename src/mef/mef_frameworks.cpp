#include "mef/mef_frameworks.hpp"

#include <spdlog/spdlog.h>

#include "bootstrap/cert/certificate_framework.hpp"
#include "bootstrap/gba/gba_framework.hpp"
#include "bootstrap/psk/pre_provisioned_key.hpp"
#include "bootstrap/reauth/re_authentication_key.hpp"
#include "ca/pem.hpp"
#include "common/error.hpp"

namespace rspf::mef {
namespace {

// The MEF as GBA NAF: Zn with the MEF's certificate, IMPIs mapped through the store's bootstrap
// identities (kind "gba").
class GbaNaf final : public bootstrap::Framework {
 public:
  GbaNaf(const GbaNaf&) = delete;  // the Zn fetch holds a reference to znCredentials_
  GbaNaf(const MefConfig& c, const MefCertificate& certificate, store::Store& store)
      : bsfTrustAnchors_(ca::loadTrustStoreFile(c.gba->bsfTrustAnchors)),
        znCredentials_(certificate.clientCredentials(bsfTrustAnchors_.get())),
        framework_(
            c.fqdn, bootstrap::httpsZnKeyFetch({c.gba->bsfUrl, c.gba->bsfFqdn}, znCredentials_),
            [&store](std::string_view impi) -> std::optional<std::string> {
              auto enrolee = store.findEnroleeByBootstrapIdentity(store::BootstrapIdentity::kGba, impi);
              if (!enrolee) return std::nullopt;
              return enrolee->enroleeId;
            },
            c.gba->keyCacheLifetime) {}

  std::string_view name() const override { return framework_.name(); }
  tls::Grants grants() const override { return framework_.grants(); }
  tls::PskIdentityResolver* pskIdentities() override { return &framework_; }
  std::string_view pskIdentityHint() const override { return framework_.pskIdentityHint(); }

 private:
  ca::X509StorePtr bsfTrustAnchors_;
  tls::CertificateClientCredentials znCredentials_;
  bootstrap::GbaFramework framework_;
};

}  // namespace

std::unique_ptr<bootstrap::FrameworkRegistry> mefFrameworks(const MefConfig& c,
                                                            const std::optional<MefCertificate>& certificate,
                                                            store::Store& store) {
  auto registry = std::make_unique<bootstrap::FrameworkRegistry>();
  registry->add(std::make_unique<bootstrap::ReAuthenticationFramework>(store, c.fqdn));
  registry->add(std::make_unique<bootstrap::PreProvisionedKeyFramework>(store));
  if (c.gba) {
    if (!certificate)
      throw Error(ErrorCode::Config,
                  "[gba] needs the MEF's certificate for Zn: configure [tls] certificate/private_key or create the "
                  "embedded CA");
    spdlog::info("GBA framework on: Zn to {} ({})", c.gba->bsfUrl, c.gba->bsfFqdn);
    registry->add(std::make_unique<GbaNaf>(c, *certificate, store));
  }
  if (certificate) {
    auto certificates = std::make_unique<bootstrap::CertificateFramework>(store);
    certificates->useRevocationLists(certificate->crls);  // issue 10 item 6
    registry->add(std::move(certificates));
  }
  return registry;
}

}  // namespace rspf::mef
