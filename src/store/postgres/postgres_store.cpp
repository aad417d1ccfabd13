#include "store/postgres/postgres_store.hpp"

#include <algorithm>
#include <cstdint>

#include "store/audit_chain.hpp"
#include "store/postgres/open_postgres_store.hpp"
#include "store/postgres/pg_migrations.hpp"
#include "store/postgres/pg_values.hpp"
#include "store/sealing.hpp"

namespace rspf::store {
namespace {

using postgres::exec;
using postgres::Session;
using postgres::Statement;

constexpr Statement kSelectKekCheck{"kek_check_select", "SELECT value FROM meta WHERE name = 'kek_check'"};
// ON CONFLICT DO NOTHING: another instance may have written its check value meanwhile; the
// comparison then decides.
constexpr Statement kInsertKekCheck{"kek_check_insert",
                                    "INSERT INTO meta (name, value) VALUES ('kek_check', $1) ON CONFLICT DO NOTHING"};
constexpr Statement kSchemaVersion{"schema_version", "SELECT version FROM rspf_schema"};

}  // namespace

PostgresStore::PostgresStore(const std::string& conninfo, std::size_t poolSize, KeyEncryptionKey kek)
    : kek_(std::move(kek)), auditKey_(deriveAuditKey(kek_)), pool_(conninfo, poolSize) {
  pool_.run("migrating the schema", [](Session& s) {
    postgres::migrate(s.connection());
    return 0;
  });
  checkKeyEncryptionKey();
  auditThread_ = std::thread([this] { runAuditWriter(); });
}

PostgresStore::~PostgresStore() {
  {
    std::lock_guard lock(auditMutex_);
    stopping_ = true;
    auditReady_.notify_one();
  }
  auditThread_.join();
}

void PostgresStore::checkKeyEncryptionKey() {
  auto stored = pool_.run("checking the key-encryption key", [&](Session& s) {
    pqxx::work tx(s.connection());
    exec(tx, s, kInsertKekCheck, sealKekCheck(kek_));
    auto r = exec(tx, s, kSelectKekCheck);
    tx.commit();
    if (r.empty()) throw Error(ErrorCode::Store, "store: the key-encryption key check is missing");
    return postgres::bytes(r[0][0]);
  });
  requireKekCheck(kek_, stored);
}

int PostgresStore::schemaVersion() {
  return pool_.run("reading the schema version", [&](Session& s) {
    pqxx::nontransaction tx(s.connection());
    auto r = exec(tx, s, kSchemaVersion);
    return r.empty() ? 0 : r[0][0].as<int>();
  });
}

std::unique_ptr<Store> openPostgresStore(const std::string& url, std::size_t poolSize, KeyEncryptionKey kek) {
  return std::make_unique<PostgresStore>(url, poolSize, std::move(kek));
}

}  // namespace rspf::store
