#include "admin/configuration_key.hpp"

#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "common/error.hpp"

namespace rspf::admin {

bool initConfigurationKey(const std::filesystem::path& file) {
  if (std::filesystem::exists(file)) {
    loadConfigurationKey(file);  // an existing key must be usable, never silently replaced
    return false;
  }
  auto key = ca::generateP256Key();
  ca::savePrivateKeyPemFile(file, *key);
  return true;
}

ca::EvpPkeyPtr loadConfigurationKey(const std::filesystem::path& file) {
  auto key = ca::loadPrivateKeyFile(file);
  if (!ca::isP256(*key))
    throw Error(ErrorCode::Config,
                "the configuration key " + file.string() + " must be an EC P-256 key; it is " + ca::describeKey(*key));
  return key;
}

}  // namespace rspf::admin
