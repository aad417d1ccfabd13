#include "store/store_settings.hpp"

#include <libpq-fe.h>

#include "common/error.hpp"

namespace rspf::store {
namespace {

// Parses the connection string with libpq itself; refuses a password in it.
void checkConnectionString(const std::string& url, std::string_view source) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    std::string reason = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
    throw Error(ErrorCode::Config,
                std::string(source) + ": store.url is not a PostgreSQL connection string (" + reason + ")");
  }
  bool hasPassword = false;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o)
    if (std::string_view(o->keyword) == "password" && o->val != nullptr && o->val[0] != '\0') hasPassword = true;
  PQconninfoFree(options);
  if (hasPassword)
    throw Error(ErrorCode::Config, std::string(source) +
                                       ": store.url must not hold a password; name a password file instead "
                                       "(passfile=PATH in the URL, or $PGPASSFILE)");
}

}  // namespace

std::string StoreSettings::describe() const { return postgres() ? url : sqlite.string(); }

bool looksLikePostgresUrl(std::string_view text) {
  return text.starts_with("postgresql://") || text.starts_with("postgres://") || text.find('=') != text.npos;
}

StoreSettings storeSettingsFrom(const std::optional<std::filesystem::path>& sqlite,
                                const std::optional<std::string>& url, std::optional<std::int64_t> poolSize,
                                std::string_view source) {
  if (sqlite.has_value() == url.has_value())
    throw Error(ErrorCode::Config, std::string(source) +
                                       ": name the store with exactly one of 'store.sqlite' (a file) "
                                       "and 'store.url' (a PostgreSQL connection string)");
  StoreSettings s;
  if (sqlite) {
    s.sqlite = *sqlite;
    if (poolSize) throw Error(ErrorCode::Config, std::string(source) + ": store.pool_size goes with store.url");
    return s;
  }
  if (url->empty()) throw Error(ErrorCode::Config, std::string(source) + ": store.url is empty");
  checkConnectionString(*url, source);
  s.url = *url;
  if (poolSize) {
    if (*poolSize < 1 || *poolSize > static_cast<std::int64_t>(StoreSettings::kMaxPoolSize))
      throw Error(ErrorCode::Config, std::string(source) + ": store.pool_size must be 1 to " +
                                         std::to_string(StoreSettings::kMaxPoolSize));
    s.poolSize = static_cast<std::size_t>(*poolSize);
  }
  return s;
}

StoreSettings storeSettingsFromArgument(std::string_view argument) {
  if (looksLikePostgresUrl(argument))
    return storeSettingsFrom(std::nullopt, std::string(argument), std::nullopt, "--store");
  return storeSettingsFrom(std::filesystem::path(argument), std::nullopt, std::nullopt, "--store");
}

}  // namespace rspf::store
