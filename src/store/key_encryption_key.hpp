#pragma once
// The key-encryption key (KEK) under which the store seals Kpm, Ke and Kre (AES-256-GCM).
// It is read from a file or an environment variable, never from the main configuration file.
// File format: 64 hex digits (32 bytes), optionally followed by a newline; the file must not be
// readable by group or others.
#include <filesystem>
#include <optional>
#include <string>

#include "crypto/secret_bytes.hpp"

namespace rspf::store {

inline constexpr const char* kKekEnvironmentVariable = "RSPF_KEK";

class KeyEncryptionKey {
 public:
  explicit KeyEncryptionKey(crypto::SecretBytes key);  // must be 32 bytes

  // From `file` when given, else from $RSPF_KEK (64 hex digits). Throws Error(Config) with a
  // message that names the source but never the key.
  static KeyEncryptionKey load(const std::optional<std::filesystem::path>& file);
  static KeyEncryptionKey fromFile(const std::filesystem::path& file);
  // Creates `file` (mode 0600, exclusive) holding a fresh random key; throws if it exists.
  static KeyEncryptionKey generateFile(const std::filesystem::path& file);

  // Seal / open one secret column value; `where` names table, column and row.
  crypto::Bytes seal(crypto::ByteView plaintext, std::string_view where) const;
  crypto::SecretBytes open(crypto::ByteView sealed, std::string_view where) const;  // throws Error(Store)
  // A key for another purpose of the store (e.g. the audit log's chain): HMAC-SHA-256(KEK, label).
  crypto::SecretBytes deriveKey(std::string_view label) const;

 private:
  crypto::SecretBytes key_;
};

}  // namespace rspf::store
