#include "store/postgres/postgres_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>

#include "store/audit_chain.hpp"
#include "store/open_store.hpp"
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

constexpr Statement kLastAudit{"audit_last", "SELECT seq, mac FROM audit_log ORDER BY seq DESC LIMIT 1"};
constexpr Statement kInsertAudit{
    "audit_insert",
    "INSERT INTO audit_log (seq, at, actor, action, subject, outcome, detail, mac) VALUES ($1, $2, $3, $4, $5, $6, "
    "$7, $8)"};
#define RSPF_SELECT_AUDIT "SELECT seq, at, actor, action, subject, outcome, detail, mac FROM audit_log "
constexpr Statement kTailAudit{"audit_tail",
                               "SELECT * FROM (" RSPF_SELECT_AUDIT "ORDER BY seq DESC LIMIT $1) AS tail ORDER BY seq"};
constexpr Statement kAllAudit{"audit_all", RSPF_SELECT_AUDIT "ORDER BY seq"};
#undef RSPF_SELECT_AUDIT

// How long queued audit entries wait for more to share their transaction.
constexpr std::chrono::milliseconds kAuditCommitDelay{20};
constexpr std::size_t kAuditBatch = 256;

AuditEntry readAuditEntry(const pqxx::row& r) {
  return {static_cast<std::uint64_t>(postgres::integer(r[0])),
          postgres::time(r[1]),
          postgres::text(r[2]),
          postgres::text(r[3]),
          postgres::text(r[4]),
          postgres::text(r[5]),
          postgres::text(r[6])};
}

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

// --- Audit log.

void PostgresStore::appendAudit(AuditEntry entry) {
  std::lock_guard lock(auditMutex_);
  if (stopping_) throw Error(ErrorCode::Store, "store: the store is closing");
  auditQueue_.push_back(std::move(entry));
  ++auditQueued_;
  auditReady_.notify_one();
}

void PostgresStore::flushAudit() {
  std::unique_lock lock(auditMutex_);
  const auto target = auditQueued_;
  auditFlushWanted_ = true;
  auditReady_.notify_one();
  auditDone_.wait(lock, [&] { return auditWritten_ >= target; });
}

void PostgresStore::runAuditWriter() {
  std::vector<AuditEntry> batch;
  for (;;) {
    {
      std::unique_lock lock(auditMutex_);
      auditReady_.wait(lock, [this] { return stopping_ || !auditQueue_.empty(); });
      if (auditQueue_.empty()) return;  // stopping, and everything was written
      auditReady_.wait_for(lock, kAuditCommitDelay,
                           [this] { return stopping_ || auditFlushWanted_ || auditQueue_.size() >= kAuditBatch; });
      auditFlushWanted_ = false;
      batch.swap(auditQueue_);
    }
    try {
      writeAudit(batch);
    } catch (const std::exception& e) {
      spdlog::error("store: {} audit entries were lost: {}", batch.size(), e.what());
    }
    {
      std::lock_guard lock(auditMutex_);
      auditWritten_ += batch.size();
      auditDone_.notify_all();
    }
    batch.clear();
  }
}

void PostgresStore::writeAudit(const std::vector<AuditEntry>& entries) {
  pool_.run("appending to the audit log", [&](Session& s) {
    pqxx::work tx(s.connection());
    // One writer at a time across every instance: the chain continues from the last entry.
    tx.exec("SELECT pg_advisory_xact_lock(" + std::to_string(postgres::kAuditLock) + ")");
    std::optional<AuditChainHead> head;
    if (auto r = exec(tx, s, kLastAudit); !r.empty())
      head = AuditChainHead{static_cast<std::uint64_t>(postgres::integer(r[0][0])), postgres::bytes(r[0][1])};
    for (const auto& [e, mac] : chainAuditEntries(auditKey_, head, entries))
      exec(tx, s, kInsertAudit, static_cast<std::int64_t>(e.seq), e.at, e.actor, e.action, e.subject, e.outcome,
           e.detail, mac);
    tx.commit();
    return 0;
  });
}

std::vector<AuditEntry> PostgresStore::tailAudit(std::size_t count) {
  return pool_.run("reading the audit log", [&](Session& s) {
    pqxx::nontransaction tx(s.connection());
    std::vector<AuditEntry> out;
    for (const auto& row : exec(tx, s, kTailAudit, static_cast<std::int64_t>(std::min<std::size_t>(count, INT64_MAX))))
      out.push_back(readAuditEntry(row));
    return out;
  });
}

AuditVerification PostgresStore::verifyAudit() {
  return pool_.run("verifying the audit log", [&](Session& s) {
    pqxx::nontransaction tx(s.connection());
    AuditChainVerifier verifier(auditKey_);
    for (const auto& row : exec(tx, s, kAllAudit))
      if (!verifier.add(readAuditEntry(row), postgres::bytes(row[7]))) break;
    return verifier.result();
  });
}

std::unique_ptr<Store> openPostgresStore(const std::string& url, std::size_t poolSize, KeyEncryptionKey kek) {
  return std::make_unique<PostgresStore>(url, poolSize, std::move(kek));
}

}  // namespace rspf::store
