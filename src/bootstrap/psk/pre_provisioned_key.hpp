#pragma once
// Pre-Provisioned Symmetric Key Remote Security Provisioning Framework (seed 8.3.2.1):
// psk_identity = KpmId, psk = Kpm, both registered with the MEF.
#include "bootstrap/framework.hpp"
#include "store/store.hpp"

namespace rspf::bootstrap {

inline constexpr const char* kPreProvisionedKeyFramework = "psk";
// A KpmId peer may enrol (and enrol a certificate on that session); it is nobody's target.
inline constexpr tls::Grants kPreProvisionedKeyGrants{tls::Grant::EnrolmentExchange, tls::Grant::CertificateEnrolment};

class PreProvisionedKeyFramework final : public Framework, public tls::PskIdentityResolver {
 public:
  explicit PreProvisionedKeyFramework(store::Store& store) : store_(store) {}
  std::string_view name() const override { return kPreProvisionedKeyFramework; }
  tls::Grants grants() const override { return kPreProvisionedKeyGrants; }
  tls::PskIdentityResolver* pskIdentities() override { return this; }
  std::optional<tls::ResolvedPsk> resolve(std::string_view kpmId) override;

 private:
  store::Store& store_;
};

}  // namespace rspf::bootstrap
