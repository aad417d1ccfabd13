// SqliteStore: the audit log, chained as store/audit_chain.hpp says, and its retention (an archived
// log starts at a MACed checkpoint kept in meta).
#include "common/error.hpp"
#include "crypto/primitives.hpp"
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
constexpr std::string_view kAllAudit = RSPF_SELECT_AUDIT "WHERE seq > ?1 ORDER BY seq";
constexpr std::string_view kAuditFrom = RSPF_SELECT_AUDIT "WHERE seq > ?1 ORDER BY seq LIMIT ?2";
#undef RSPF_SELECT_AUDIT
constexpr std::string_view kAuditMacOf = "SELECT mac FROM audit_log WHERE seq = ?1";
constexpr std::string_view kTrimAudit = "DELETE FROM audit_log WHERE seq <= ?1";
constexpr std::string_view kSelectCheckpoint = "SELECT value FROM meta WHERE name = 'audit_checkpoint'";
constexpr std::string_view kStoreCheckpoint =
    "INSERT INTO meta (name, value) VALUES ('audit_checkpoint', ?1) ON CONFLICT (name) DO UPDATE SET value = "
    "excluded.value";

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
  // The writer waits for a first entry, then for a full batch (runWriter): any other wake-up would
  // find its wait not over, and cost two context switches per entry.
  if (auditQueue_.size() == 1 || auditQueue_.size() >= kMaxAuditBatch) queueReady_.notify_one();
}

void SqliteStore::flushAudit() {
  std::unique_lock lock(queueMutex_);
  const auto target = auditQueued_;
  auditFlushWanted_ = true;
  queueReady_.notify_one();
  auditDone_.wait(lock, [&] { return auditCommitted_ >= target; });
}

void SqliteStore::appendAuditInTransaction(const std::vector<AuditEntry>& entries) {
  AuditChainHead head;
  auto last = writer_.statement(kLastAudit);
  if (last.step()) {
    head = {static_cast<std::uint64_t>(last.integer(0)), last.blob(1)};
  } else {  // empty, or every entry archived: the chain goes on from the checkpoint
    auto start = auditStart(writer_);
    head = {start.seq, std::move(start.entryMac)};
  }
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

AuditCheckpoint SqliteStore::checkpoint(std::uint64_t seq, crypto::Bytes entryMac) const {
  return makeAuditCheckpoint(auditKey_, seq, std::move(entryMac));
}

AuditCheckpoint SqliteStore::auditStart(sqlite::Database& db) {
  auto s = db.statement(kSelectCheckpoint);
  if (!s.step()) return auditChainOrigin(auditKey_);
  return decodeAuditCheckpoint(auditKey_, s.blob(0));
}

AuditVerification SqliteStore::verifyAudit() {
  auto read = reader();
  AuditCheckpoint start;
  try {
    start = auditStart(read->db);
  } catch (const Error& e) {
    AuditVerification broken;
    broken.intact = false;
    broken.firstBadSeq = 1;
    broken.problem = e.what();
    return broken;
  }
  auto s = read->db.statement(kAllAudit);
  s.bindInt(1, static_cast<std::int64_t>(start.seq));
  AuditChainVerifier verifier(auditKey_, start);
  while (s.step())
    if (!verifier.add(readEntry(s), s.blob(7))) break;
  return verifier.result();
}

AuditSegment SqliteStore::auditSegmentBefore(TimePoint before, std::size_t maxEntries) {
  auto read = reader();
  AuditSegment segment;
  segment.start = auditStart(read->db);
  auto s = read->db.statement(kAuditFrom);
  s.bindInt(1, static_cast<std::int64_t>(segment.start.seq)).bindInt(2, static_cast<std::int64_t>(maxEntries));
  while (s.step()) {
    auto entry = readEntry(s);
    if (entry.at >= before) break;  // the segment ends at the first entry to keep
    segment.entries.push_back(std::move(entry));
    segment.macs.push_back(s.blob(7));
  }
  segment.end = segment.entries.empty() ? segment.start : checkpoint(segment.entries.back().seq, segment.macs.back());
  return segment;
}

void SqliteStore::trimAudit(const AuditSegment& segment) {
  if (segment.entries.empty()) return;
  std::lock_guard lock(writerMutex_);
  sqlite::WriteTransaction tx(writer_.get());
  if (auditStart(writer_) != segment.start)
    throw Error(ErrorCode::Conflict, "the audit log no longer starts where the archive does (another archive ran?)");
  auto last = writer_.statement(kAuditMacOf);
  last.bindInt(1, static_cast<std::int64_t>(segment.end.seq));
  if (!last.step() || !crypto::constantTimeEqual(last.blob(0), segment.end.entryMac) ||
      !auditCheckpointVerifies(auditKey_, segment.end))
    throw Error(ErrorCode::Conflict, "the audit log does not hold the archive's last entry as archived");
  writer_.statement(kTrimAudit).bindInt(1, static_cast<std::int64_t>(segment.end.seq)).run();
  storeAuditCheckpoint(segment.end);
  tx.commit();
}

void SqliteStore::storeAuditCheckpoint(const AuditCheckpoint& start) {
  writer_.statement(kStoreCheckpoint).bindBlob(1, encodeAuditCheckpoint(start)).run();
}

AuditVerification SqliteStore::verifyAuditSegment(const AuditSegment& segment) {
  return store::verifyAuditSegment(auditKey_, segment);
}

}  // namespace rspf::store
