#pragma once
// Where the store is: an SQLite file ([store] sqlite = PATH) or a PostgreSQL database
// ([store] url = libpq connection string or postgresql:// URI, with pool_size connections), and
// openStore, the one way every role opens it. The key-encryption key never comes from here.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "store/key_encryption_key.hpp"
#include "store/store.hpp"

namespace rspf::store {

struct StoreSettings {
  static constexpr std::size_t kDefaultPoolSize = 8;
  static constexpr std::size_t kMaxPoolSize = 256;

  std::filesystem::path sqlite;  // [store] sqlite
  std::string url;               // [store] url (PostgreSQL)
  std::size_t poolSize = kDefaultPoolSize;

  bool postgres() const { return !url.empty(); }
  // The file, or the URL (which holds no password: storeSettingsFrom refuses one).
  std::string describe() const;
};

// Exactly one of `sqlite` and `url`; `source` names the file for messages. Throws Error(Config)
// when neither or both are given, the URL is not a libpq connection string, it carries a password
// (name a passfile instead: passfile=PATH or $PGPASSFILE), or the pool size is out of 1..256.
StoreSettings storeSettingsFrom(const std::optional<std::filesystem::path>& sqlite,
                                const std::optional<std::string>& url, std::optional<std::int64_t> poolSize,
                                std::string_view source);

// `rspf admin --store X`: a PostgreSQL URL ("postgresql://...", "postgres://..." or a key=value
// connection string) or else an SQLite file.
StoreSettings storeSettingsFromArgument(std::string_view argument);

// Whether `text` is a libpq connection string (URI or key=value form) rather than a file name.
bool looksLikePostgresUrl(std::string_view text);

}  // namespace rspf::store
