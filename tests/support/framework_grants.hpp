#pragma once
// The grants each MEF bootstrap framework gives its peers, by framework name, for tests that build
// an AuthenticatedPeer by hand.
#include <string>

#include "bootstrap/cert/certificate_framework.hpp"
#include "bootstrap/gba/gba_framework.hpp"
#include "bootstrap/psk/pre_provisioned_key.hpp"
#include "bootstrap/reauth/re_authentication_key.hpp"

namespace rspf::testing {

inline tls::Grants grantsOf(const std::string& framework) {
  if (framework == bootstrap::kPreProvisionedKeyFramework) return bootstrap::kPreProvisionedKeyGrants;
  if (framework == bootstrap::kReAuthenticationFramework) return bootstrap::kReAuthenticationGrants;
  if (framework == bootstrap::kCertificateFramework) return bootstrap::kCertificateGrants;
  if (framework == bootstrap::kGbaFramework) return bootstrap::kGbaGrants;
  return {};
}

}  // namespace rspf::testing
