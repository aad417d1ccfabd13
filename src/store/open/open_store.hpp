#pragma once
// The one store factory: the backend a configuration names (`[store] url` or a SQLite file), opened
// and migrated. Above both backends, so that neither the store's rules nor a backend knows the other.
#include <memory>

#include "store/key_encryption_key.hpp"
#include "store/postgres/open_postgres_store.hpp"  // each backend's own opener, for a caller that names it
#include "store/sqlite/open_sqlite_store.hpp"
#include "store/store.hpp"
#include "store/store_settings.hpp"

namespace rspf::store {

// PostgreSQL when `settings` names a URL, else the SQLite file. Throws Error(Config) if the KEK does
// not match the one the store was created with, Error(Unavailable) when a database cannot be reached.
std::unique_ptr<Store> openStore(const StoreSettings& settings, KeyEncryptionKey kek);

}  // namespace rspf::store
