#include "store/key_encryption_key.hpp"

#include <cstdlib>
#include <string_view>

#include "common/error.hpp"
#include "crypto/aead.hpp"
#include "crypto/encoding.hpp"
#include "crypto/key_file.hpp"
#include "crypto/primitives.hpp"
#include "crypto/secret_environment.hpp"

namespace rspf::store {
namespace {
constexpr const char* kWhat = "key-encryption key";
}  // namespace

KeyEncryptionKey::KeyEncryptionKey(crypto::SecretBytes key) : key_(std::move(key)) {
  if (key_.size() != crypto::kAeadKeySize)
    throw Error(ErrorCode::Config, "key-encryption key must be " + std::to_string(crypto::kAeadKeySize) + " bytes");
}

KeyEncryptionKey KeyEncryptionKey::load(const std::optional<std::filesystem::path>& file) {
  if (file) return fromFile(*file);
  // Read once and taken out of the environment (/proc/<pid>/environ), crypto/secret_environment.hpp.
  auto value = crypto::takeSecretFromEnvironment(kKekEnvironmentVariable);
  if (!value || value->empty())
    throw Error(ErrorCode::Config, std::string("no key-encryption key: give a key file or set ") +
                                       kKekEnvironmentVariable + " (64 hex digits)");
  const std::string_view hex(reinterpret_cast<const char*>(value->data()), value->size());
  return KeyEncryptionKey(
      parseHexKey(hex, kWhat, std::string("environment variable ") + kKekEnvironmentVariable, crypto::kAeadKeySize));
}

KeyEncryptionKey KeyEncryptionKey::fromFile(const std::filesystem::path& file) {
  return KeyEncryptionKey(readHexKeyFile(file, kWhat, crypto::kAeadKeySize));
}

KeyEncryptionKey KeyEncryptionKey::generateFile(const std::filesystem::path& file) {
  crypto::SecretBytes key = crypto::randomSecret(crypto::kAeadKeySize);
  writeHexKeyFile(file, key, kWhat);
  return KeyEncryptionKey(std::move(key));
}
crypto::Bytes KeyEncryptionKey::seal(crypto::ByteView plaintext, std::string_view where) const {
  return crypto::aeadSeal(key_, plaintext, "rspf/v1/" + std::string(where));
}

crypto::SecretBytes KeyEncryptionKey::deriveKey(std::string_view label) const {
  return crypto::hmacSha256(key_.view(), {crypto::asBytes(label)});
}

crypto::SecretBytes KeyEncryptionKey::open(crypto::ByteView sealed, std::string_view where) const {
  auto plain = crypto::aeadOpen(key_, sealed, "rspf/v1/" + std::string(where));
  if (!plain)
    throw Error(ErrorCode::Store,
                "stored secret could not be decrypted (wrong key-encryption key, or the value was "
                "tampered with)");
  return std::move(*plain);
}

}  // namespace rspf::store
