#include "bootstrap/psk/pre_provisioned_key.hpp"

#include <spdlog/spdlog.h>

namespace rspf::bootstrap {

std::optional<tls::ResolvedPsk> PreProvisionedKeyFramework::resolve(std::string_view kpmId) {
  auto enrolee = store_.findEnroleeByKpmId(kpmId);
  if (!enrolee || enrolee->kpm.empty()) return std::nullopt;
  tls::ResolvedPsk resolved;
  resolved.psk = std::move(enrolee->kpm);
  resolved.framework = kPreProvisionedKeyFramework;
  resolved.principal = enrolee->enroleeId;
  resolved.attributes["kpmId"] = std::string(kpmId);
  return resolved;
}

}  // namespace rspf::bootstrap
