#pragma once
// The MEF's side of upstream-CA mode: the settings the EST registration authority forwards with.
#include <memory>
#include <optional>

#include "ca/upstream_est_authority.hpp"
#include "mef/mef_certificate.hpp"
#include "mef/mef_config.hpp"

namespace rspf::mef {

// Throws Error(Config) for unreadable files, or when neither upstream_ca.certificate nor a MEF
// certificate is there to authenticate with.
std::shared_ptr<const ca::UpstreamEstSettings> upstreamEstSettings(const UpstreamCaConfig& config,
                                                                   const std::optional<MefCertificate>& own);

}  // namespace rspf::mef
