#pragma once
#include <cstddef>
#include <memory>
#include <string>

#include "store/key_encryption_key.hpp"
#include "store/store.hpp"

namespace rspf::store {

// Connects to the PostgreSQL database `url` (libpq connection string) with at most `poolSize`
// connections and migrates its schema. Throws Error(Config) if the KEK does not match the one the
// store was created with.
std::unique_ptr<Store> openPostgresStore(const std::string& url, std::size_t poolSize, KeyEncryptionKey kek);

}  // namespace rspf::store
