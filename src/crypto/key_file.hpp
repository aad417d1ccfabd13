#pragma once
// Key files: a secret written as hex digits (optionally followed by a newline) in a regular file
// that neither group nor others may access. Used for the store's key-encryption key, Kpm files and
// the Enrolee's credential key. Buffers holding the hex text are wiped.
#include <filesystem>
#include <string>
#include <string_view>

#include "crypto/secret_bytes.hpp"

namespace rspf {

// `what` names the key in messages ("key-encryption key", "Kpm"); `expectedBytes` 0 = any length.
// Throws Error(Config) naming the file and the problem, never the key.
crypto::SecretBytes readHexKeyFile(const std::filesystem::path& file, std::string_view what,
                                   std::size_t expectedBytes = 0);
// `source` says where the text came from ("environment variable RSPF_KEK").
crypto::SecretBytes parseHexKey(std::string_view text, std::string_view what, const std::string& source,
                                std::size_t expectedBytes = 0);
// Creates `file` exclusively with mode 0600 holding `key` in hex; removes it again if writing fails.
void writeHexKeyFile(const std::filesystem::path& file, const crypto::SecretBytes& key, std::string_view what);

}  // namespace rspf
