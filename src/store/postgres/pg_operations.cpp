// PostgresStore: key-encryption key rotation (issue 13 item 4). Backup is the
// database's own (pg_dump; Store::backup says so).
#include <algorithm>
#include <cstdint>

#include "store/audit_chain.hpp"
#include "store/postgres/pg_migrations.hpp"
#include "store/postgres/pg_values.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sealing.hpp"

namespace rspf::store {
namespace {

using postgres::exec;
using postgres::Session;
using postgres::Statement;

struct SealedColumn {
  const char* table;
  const char* key;
  const char* column;
  std::string (*name)(std::string_view);
};

}  // namespace

void PostgresStore::backup(const std::filesystem::path&) {
  throw Error(ErrorCode::Config,
              "this store has no built-in backup: use the database's own tool (PostgreSQL: pg_dump)");
}

void PostgresStore::rotateKeyEncryptionKey(const KeyEncryptionKey& next, AuditEntry rotation) {
  flushAudit();
  const SealedColumn columns[] = {
      {"enrolees", "enrolee_id", "kpm_sealed", kpmSealingName},
      {"enrolment_keys", "relative_ke_id", "ke_sealed", keSealingName},
      {"enrolment_keys", "relative_ke_id", "kre_sealed", kreSealingName},
      {"retired_enrolment_keys", "relative_ke_id", "ke_sealed", keSealingName},
      {"retired_enrolment_keys", "relative_ke_id", "kre_sealed", kreSealingName},
      {"certificate_authorities", "label", "sealed_key", caKeySealingName},
  };
  const crypto::SecretBytes nextAuditKey = deriveAuditKey(next);
  pool_.run("rotating the key-encryption key", [&](Session& s) {
    pqxx::work tx(s.connection());
    // No instance appends to the audit log meanwhile; the chain is checked under that lock.
    tx.exec("SELECT pg_advisory_xact_lock(" + std::to_string(postgres::kAuditLock) + ")");
    // An archived log starts at its checkpoint (verified under the old key; throws when altered).
    const AuditCheckpoint start = auditStart(tx, s);
    std::vector<AuditEntry> entries;
    {
      AuditChainVerifier verifier(auditKey_, start);
      for (const auto& row : tx.exec("SELECT seq, at, actor, action, subject, outcome, detail, mac FROM audit_log "
                                     "ORDER BY seq")) {
        entries.push_back(postgres::auditEntry(row));
        if (!verifier.add(entries.back(), postgres::bytes(row[7])))
          throw Error(ErrorCode::Store, "the audit log does not verify (" + verifier.result().problem +
                                            "): not re-chaining it under a new key");
      }
    }
    std::size_t resealed = 0;
    for (const auto& c : columns) {
      const std::string select = std::string("SELECT ") + c.key + ", " + c.column + " FROM " + c.table + " WHERE " +
                                 c.column + " IS NOT NULL FOR UPDATE";
      const std::string update =
          std::string("UPDATE ") + c.table + " SET " + c.column + " = $1 WHERE " + c.key + " = $2";
      for (const auto& row : tx.exec(select)) {
        const std::string key = postgres::text(row[0]);
        auto plain = kek_.open(postgres::bytes(row[1]), c.name(key));  // throws: the transaction rolls back
        tx.exec_params(update, postgres::toParam(next.seal(plain.view(), c.name(key))), key);
        ++resealed;
      }
    }
    tx.exec_params("UPDATE meta SET value = $1 WHERE name = 'kek_check'", postgres::toParam(sealKekCheck(next)));
    rotation.detail = std::to_string(resealed) + " secrets re-sealed, " + std::to_string(entries.size()) +
                      " audit entries re-chained" + (rotation.detail.empty() ? "" : "; " + rotation.detail);
    entries.push_back(std::move(rotation));
    tx.exec("DELETE FROM audit_log");
    // The checkpoint MACed under the new key; archives made before stay verifiable with the old KEK.
    if (start.seq > 0)
      tx.exec_params(
          "UPDATE meta SET value = $1 WHERE name = 'audit_checkpoint'",
          postgres::toParam(encodeAuditCheckpoint(makeAuditCheckpoint(nextAuditKey, start.seq, start.entryMac))));
    for (const auto& [e, mac] : chainAuditEntries(nextAuditKey, AuditChainHead{start.seq, start.entryMac}, entries))
      tx.exec_params(
          "INSERT INTO audit_log (seq, at, actor, action, subject, outcome, detail, mac) VALUES ($1, $2, "
          "$3, $4, $5, $6, $7, $8)",
          static_cast<std::int64_t>(e.seq), toUnix(e.at), e.actor, e.action, e.subject, e.outcome, e.detail,
          postgres::toParam(mac));
    tx.commit();
    return 0;
  });
}

}  // namespace rspf::store
