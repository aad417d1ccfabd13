#pragma once
// Pre-Provisioned Symmetric Key Remote Security Provisioning Framework (seed 8.3.2.1):
// psk_identity = KpmId, psk = Kpm, both registered with the MEF.
#include "store/store.hpp"
#include "tls/psk_identity_resolver.hpp"

namespace rspf::bootstrap {

inline constexpr const char* kPreProvisionedKeyFramework = "psk";

class PreProvisionedKeyFramework : public tls::PskIdentityResolver {
 public:
  explicit PreProvisionedKeyFramework(store::Store& store) : store_(store) {}
  std::optional<tls::ResolvedPsk> resolve(std::string_view kpmId) override;

 private:
  store::Store& store_;
};

}  // namespace rspf::bootstrap
