#pragma once
#include <filesystem>
#include <memory>
#include <string>

#include "store/key_encryption_key.hpp"
#include "store/store.hpp"
#include "store/store_settings.hpp"

namespace rspf::store {

// Opens (creating if needed, mode 0600) and migrates the SQLite store at `path`. Throws
// Error(Config) if the KEK does not match the one the store was created with.
std::unique_ptr<Store> openSqliteStore(const std::filesystem::path& path, KeyEncryptionKey kek);

// Connects to the PostgreSQL database `url` (libpq connection string) with at most `poolSize`
// connections and migrates its schema. Same KEK rule.
std::unique_ptr<Store> openPostgresStore(const std::string& url, std::size_t poolSize, KeyEncryptionKey kek);

}  // namespace rspf::store
