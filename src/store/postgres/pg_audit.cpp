// PostgresStore: the audit log, chained as store/audit_chain.hpp says (one chain whichever instance
// writes: appends take the audit advisory lock), its paging, and its retention: an archived log
// starts at a MACed checkpoint kept in meta ('audit_checkpoint'), as in the SQLite store.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>

#include "store/audit_chain.hpp"
#include "store/postgres/pg_migrations.hpp"
#include "store/postgres/pg_values.hpp"
#include "store/postgres/postgres_store.hpp"

namespace rspf::store {
namespace {

using postgres::exec;
using postgres::Session;
using postgres::Statement;

// A consistent view of the checkpoint and the entries after it, even while an archive trims.
using Snapshot = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;

constexpr Statement kLastAudit{"audit_last", "SELECT seq, mac FROM audit_log ORDER BY seq DESC LIMIT 1"};
constexpr Statement kInsertAudit{
    "audit_insert",
    "INSERT INTO audit_log (seq, at, actor, action, subject, outcome, detail, mac) VALUES ($1, $2, $3, $4, $5, $6, "
    "$7, $8)"};
#define RSPF_SELECT_AUDIT "SELECT seq, at, actor, action, subject, outcome, detail, mac FROM audit_log "
constexpr Statement kTailAudit{"audit_tail",
                               "SELECT * FROM (" RSPF_SELECT_AUDIT "ORDER BY seq DESC LIMIT $1) AS tail ORDER BY seq"};
constexpr Statement kAuditAfter{"audit_after", RSPF_SELECT_AUDIT "WHERE seq > $1 ORDER BY seq LIMIT $2"};
#undef RSPF_SELECT_AUDIT
constexpr Statement kAuditMacOf{"audit_mac_of", "SELECT mac FROM audit_log WHERE seq = $1"};
constexpr Statement kTrimAudit{"audit_trim", "DELETE FROM audit_log WHERE seq <= $1"};
constexpr Statement kSelectCheckpoint{"audit_checkpoint_select",
                                      "SELECT value FROM meta WHERE name = 'audit_checkpoint'"};
constexpr Statement kStoreCheckpoint{"audit_checkpoint_store",
                                     "INSERT INTO meta (name, value) VALUES ('audit_checkpoint', $1) ON CONFLICT "
                                     "(name) DO UPDATE SET value = excluded.value"};

// How long queued audit entries wait for more to share their transaction.
constexpr std::chrono::milliseconds kAuditCommitDelay{20};
constexpr std::size_t kAuditBatch = 256;
// Rows read per round trip when a whole log is checked.
constexpr std::int64_t kVerifyPage = 4096;

std::int64_t asBigint(std::uint64_t v) { return static_cast<std::int64_t>(std::min<std::uint64_t>(v, INT64_MAX)); }

}  // namespace

AuditCheckpoint PostgresStore::auditStart(pqxx::transaction_base& tx, Session& s) {
  auto r = exec(tx, s, kSelectCheckpoint);
  if (r.empty()) return auditChainOrigin(auditKey_);
  return decodeAuditCheckpoint(auditKey_, postgres::bytes(r[0][0]));
}

void PostgresStore::appendAudit(AuditEntry entry) {
  std::lock_guard lock(auditMutex_);
  if (stopping_) throw Error(ErrorCode::Store, "store: the store is closing");
  auditQueue_.push_back(std::move(entry));
  ++auditQueued_;
  // The writer waits for a first entry, then for a full batch (runAuditWriter): any other wake-up
  // would find its wait not over, and cost two context switches per entry.
  if (auditQueue_.size() == 1 || auditQueue_.size() >= kAuditBatch) auditReady_.notify_one();
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
    // One writer at a time across every instance: the chain continues from the last entry, or from
    // the checkpoint once every entry was archived.
    tx.exec("SELECT pg_advisory_xact_lock(" + std::to_string(postgres::kAuditLock) + ")");
    AuditChainHead head;
    if (auto r = exec(tx, s, kLastAudit); !r.empty()) {
      head = {static_cast<std::uint64_t>(postgres::integer(r[0][0])), postgres::bytes(r[0][1])};
    } else {
      auto start = auditStart(tx, s);
      head = {start.seq, std::move(start.entryMac)};
    }
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
    for (const auto& row : exec(tx, s, kTailAudit, asBigint(count))) out.push_back(postgres::auditEntry(row));
    return out;
  });
}

std::vector<AuditEntry> PostgresStore::auditAfter(std::uint64_t afterSeq, std::size_t limit) {
  return pool_.run("reading the audit log", [&](Session& s) {
    pqxx::nontransaction tx(s.connection());
    std::vector<AuditEntry> out;
    for (const auto& row :
         exec(tx, s, kAuditAfter, asBigint(afterSeq), asBigint(std::min<std::size_t>(limit, 1u << 30))))
      out.push_back(postgres::auditEntry(row));
    return out;
  });
}

AuditVerification PostgresStore::verifyAudit() {
  return pool_.run("verifying the audit log", [&](Session& s) {
    Snapshot tx(s.connection());
    AuditCheckpoint start;
    try {
      start = auditStart(tx, s);
    } catch (const Error& e) {
      AuditVerification broken;
      broken.intact = false;
      broken.firstBadSeq = 1;
      broken.problem = e.what();
      return broken;
    }
    AuditChainVerifier verifier(auditKey_, start);
    for (std::uint64_t after = start.seq;;) {
      auto rows = exec(tx, s, kAuditAfter, asBigint(after), kVerifyPage);
      for (const auto& row : rows) {
        if (!verifier.add(postgres::auditEntry(row), postgres::bytes(row[7]))) return verifier.result();
        after = static_cast<std::uint64_t>(postgres::integer(row[0]));
      }
      if (rows.size() < static_cast<std::size_t>(kVerifyPage)) return verifier.result();
    }
  });
}

AuditSegment PostgresStore::auditSegmentBefore(TimePoint before, std::size_t maxEntries) {
  return pool_.run("reading the audit log to archive", [&](Session& s) {
    Snapshot tx(s.connection());
    AuditSegment segment;
    segment.start = auditStart(tx, s);
    for (const auto& row : exec(tx, s, kAuditAfter, asBigint(segment.start.seq), asBigint(maxEntries))) {
      auto entry = postgres::auditEntry(row);
      if (entry.at >= before) break;  // the segment ends at the first entry to keep
      segment.entries.push_back(std::move(entry));
      segment.macs.push_back(postgres::bytes(row[7]));
    }
    segment.end = segment.entries.empty()
                      ? segment.start
                      : makeAuditCheckpoint(auditKey_, segment.entries.back().seq, segment.macs.back());
    return segment;
  });
}

void PostgresStore::trimAudit(const AuditSegment& segment) {
  if (segment.entries.empty()) return;
  pool_.run("trimming the audit log", [&](Session& s) {
    pqxx::work tx(s.connection());
    // Ordered with every instance's appends and with other archives.
    tx.exec("SELECT pg_advisory_xact_lock(" + std::to_string(postgres::kAuditLock) + ")");
    if (auditStart(tx, s) != segment.start)
      throw Error(ErrorCode::Conflict, "the audit log no longer starts where the archive does (another archive ran?)");
    auto last = exec(tx, s, kAuditMacOf, asBigint(segment.end.seq));
    if (last.empty() || !crypto::constantTimeEqual(postgres::bytes(last[0][0]), segment.end.entryMac) ||
        !auditCheckpointVerifies(auditKey_, segment.end))
      throw Error(ErrorCode::Conflict, "the audit log does not hold the archive's last entry as archived");
    exec(tx, s, kTrimAudit, asBigint(segment.end.seq));
    exec(tx, s, kStoreCheckpoint, encodeAuditCheckpoint(segment.end));
    tx.commit();
    return 0;
  });
}

AuditVerification PostgresStore::verifyAuditSegment(const AuditSegment& segment) {
  return store::verifyAuditSegment(auditKey_, segment);
}

}  // namespace rspf::store
