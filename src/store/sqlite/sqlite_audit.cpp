// SqliteStore: the audit log, chained as store/audit_chain.hpp says. The writer's transaction holds
// SQLite's write lock, so entries from several processes still form one chain.
#include <spdlog/spdlog.h>

#include "common/error.hpp"
#include "store/audit_chain.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace rspf::store {
namespace {

constexpr std::string_view kLastAudit = "SELECT seq, mac FROM audit_log ORDER BY seq DESC LIMIT 1";
constexpr std::string_view kInsertAudit =
    "INSERT INTO audit_log (seq, at, actor, action, subject, outcome, detail, mac) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
    "?7, ?8)";
#define RSPF_SELECT_AUDIT "SELECT seq, at, actor, action, subject, outcome, detail, mac FROM audit_log "
constexpr std::string_view kTailAudit = "SELECT * FROM (" RSPF_SELECT_AUDIT "ORDER BY seq DESC LIMIT ?1) ORDER BY seq";
constexpr std::string_view kAllAudit = RSPF_SELECT_AUDIT "ORDER BY seq";
#undef RSPF_SELECT_AUDIT

AuditEntry readEntry(const sqlite::Statement& s) {
  return {static_cast<std::uint64_t>(s.integer(0)),
          fromUnix(s.integer(1)),
          s.text(2),
          s.text(3),
          s.text(4),
          s.text(5),
          s.text(6)};
}

}  // namespace

void SqliteStore::appendAudit(AuditEntry entry) {
  std::lock_guard lock(queueMutex_);
  if (stopping_) throw Error(ErrorCode::Store, "store: the store is closing");
  auditQueue_.push_back(std::move(entry));
  ++auditQueued_;
  queueReady_.notify_one();
}

void SqliteStore::flushAudit() {
  std::unique_lock lock(queueMutex_);
  const auto target = auditQueued_;
  auditFlushWanted_ = true;
  queueReady_.notify_one();
  auditDone_.wait(lock, [&] { return auditCommitted_ >= target; });
}

void SqliteStore::appendAuditInTransaction(const std::vector<AuditEntry>& entries) {
  std::optional<AuditChainHead> head;
  auto last = writer_.statement(kLastAudit);
  if (last.step()) head = AuditChainHead{static_cast<std::uint64_t>(last.integer(0)), last.blob(1)};
  for (const auto& [entry, mac] : chainAuditEntries(auditKey_, head, entries))
    writer_.statement(kInsertAudit)
        .bindInt(1, static_cast<std::int64_t>(entry.seq))
        .bindInt(2, toUnix(entry.at))
        .bindText(3, entry.actor)
        .bindText(4, entry.action)
        .bindText(5, entry.subject)
        .bindText(6, entry.outcome)
        .bindText(7, entry.detail)
        .bindBlob(8, mac)
        .run();
}

std::vector<AuditEntry> SqliteStore::tailAudit(std::size_t count) {
  auto read = reader();
  auto s = read->db.statement(kTailAudit);
  s.bindInt(1, static_cast<std::int64_t>(count));
  std::vector<AuditEntry> out;
  while (s.step()) out.push_back(readEntry(s));
  return out;
}

AuditVerification SqliteStore::verifyAudit() {
  auto read = reader();
  auto s = read->db.statement(kAllAudit);
  AuditChainVerifier verifier(auditKey_);
  while (s.step() && verifier.add(readEntry(s), s.blob(7))) {
  }
  return verifier.result();
}

}  // namespace rspf::store
