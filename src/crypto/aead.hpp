#pragma once
// AES-256-GCM sealing of secrets at rest (store columns, Enrolee credential files).
// Sealed form: nonce (12) || ciphertext || tag (16). The associated data binds a sealed value
// to where it belongs (table, column, row), so a value copied elsewhere fails to open.
#include <optional>
#include <string_view>

#include "crypto/secret_bytes.hpp"

namespace rspf::crypto {

inline constexpr std::size_t kAeadKeySize = 32;

Bytes aeadSeal(const SecretBytes& key, ByteView plaintext, std::string_view associatedData);
// nullopt when the key is wrong or the value was tampered with.
std::optional<SecretBytes> aeadOpen(const SecretBytes& key, ByteView sealed, std::string_view associatedData);

}  // namespace rspf::crypto
