#pragma once
// The PostgreSQL schema, with the same versions as the SQLite one (store/sqlite/migrations.cpp):
// step N here makes the tables step N makes there, in PostgreSQL's types (BYTEA, BIGINT Unix
// seconds, BOOLEAN). The version lives in rspf_schema. Published steps are never edited.
//
// migrate() runs every missing step in one transaction under a transaction-level advisory lock:
// of several instances starting at once, one migrates and the others wait, then find the schema
// current. DDL in PostgreSQL is transactional: a failed step leaves the previous version.
#include <pqxx/pqxx>

namespace rspf::store::postgres {

int currentSchemaVersion();
int readSchemaVersion(pqxx::transaction_base& tx);
// Throws Error(Config) when the database's schema is newer than this code.
void migrate(pqxx::connection& connection);

// Advisory lock keys of the store (pg_advisory_xact_lock): the schema and the audit chain.
inline constexpr long long kMigrationLock = 0x72737066'00000001LL;  // "rspf" 1
inline constexpr long long kAuditLock = 0x72737066'00000002LL;      // "rspf" 2

}  // namespace rspf::store::postgres
