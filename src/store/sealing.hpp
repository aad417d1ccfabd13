#pragma once
// Which secret is sealed under which name: the associated data (store/key_encryption_key.hpp) that
// binds each sealed value to its table, column and row, the same in every backend, so a value moved
// to another row, column or store refuses to open. A sealed value copied between backends
// (`rspf admin store copy`) stays sealed and opens there.
#include <string>
#include <string_view>

#include "crypto/secret_bytes.hpp"
#include "store/key_encryption_key.hpp"

namespace rspf::store {

inline std::string kpmSealingName(std::string_view enroleeId) { return "enrolees/kpm/" + std::string(enroleeId); }
inline std::string keSealingName(std::string_view relativeKeId) {
  return "enrolment_keys/ke/" + std::string(relativeKeId);
}
inline std::string kreSealingName(std::string_view relativeKeId) {
  return "enrolment_keys/kre/" + std::string(relativeKeId);
}
// An embedded CA's private key (sealed by procedures/certificate_enrolment, stored as given).
inline std::string caKeySealingName(std::string_view label) {
  return "certificate_authorities/key/" + std::string(label);
}

// The meta row "kek_check" holds a known value sealed under the KEK: a store opened with another
// KEK is refused before anything is unsealed.
crypto::Bytes sealKekCheck(const KeyEncryptionKey& kek);
// Throws Error(Config) "the key-encryption key does not match this store" unless `sealed` opens.
void requireKekCheck(const KeyEncryptionKey& kek, crypto::ByteView sealed);

}  // namespace rspf::store
