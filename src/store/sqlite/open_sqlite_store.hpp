#pragma once
#include <filesystem>
#include <memory>

#include "store/key_encryption_key.hpp"
#include "store/store.hpp"

namespace rspf::store {

// Opens (creating if needed, mode 0600) and migrates the SQLite store at `path`. Throws
// Error(Config) if the KEK does not match the one the store was created with.
std::unique_ptr<Store> openSqliteStore(const std::filesystem::path& path, KeyEncryptionKey kek);

}  // namespace rspf::store
