#pragma once
// The MEF's bootstrap frameworks from its configuration: the wiring point of a new framework
// (docs/architecture.md). Always: re-authentication (KreId/Kre) and the pre-provisioned key
// (KpmId/Kpm); [gba]: the GBA framework as NAF; with the MEF's certificate: the Certificate-Based one.
#include <memory>
#include <optional>

#include "bootstrap/framework_registry.hpp"
#include "mef/mef_certificate.hpp"
#include "mef/mef_config.hpp"
#include "store/store.hpp"

namespace rspf::mef {

// Throws Error(Config) for a framework whose configuration cannot serve (GBA without a certificate).
std::unique_ptr<bootstrap::FrameworkRegistry> mefFrameworks(const MefConfig& config,
                                                            const std::optional<MefCertificate>& certificate,
                                                            store::Store& store);

}  // namespace rspf::mef
