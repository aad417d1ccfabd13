#pragma once
// The MEF's configuration key: the EC P-256 key that signs Bootstrap Instruction Configuration
// bundles (config/bootstrap_instruction_bundle.hpp). A PKCS#8 PEM file of mode 0600 named by
// `[mef] configuration_key`; its public key is what devices are built to trust.
#include <filesystem>

#include "ca/openssl_objects.hpp"

namespace rspf::admin {

// Creates the key file if absent; returns true when it created it. Throws Error(Config).
bool initConfigurationKey(const std::filesystem::path& file);
// Loads it (refused when group or others can read it, or when it is not P-256). Throws Error(Config).
ca::EvpPkeyPtr loadConfigurationKey(const std::filesystem::path& file);

}  // namespace rspf::admin
