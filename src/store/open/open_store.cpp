#include "store/open/open_store.hpp"

namespace rspf::store {

std::unique_ptr<Store> openStore(const StoreSettings& settings, KeyEncryptionKey kek) {
  if (settings.postgres()) return openPostgresStore(settings.url, settings.poolSize, std::move(kek));
  return openSqliteStore(settings.sqlite, std::move(kek));
}

}  // namespace rspf::store
