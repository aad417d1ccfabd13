// SqliteStore: the audit log. Entry n's MAC = HMAC-SHA-256(audit key, MAC of entry n-1 (32 zero
// bytes for the first) ‖ encoding of entry n), the audit key derived from the KEK: without the KEK
// nobody can edit, insert or remove an entry and rebuild the chain after it.
#include <spdlog/spdlog.h>

#include "common/error.hpp"
#include "crypto/primitives.hpp"
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
constexpr std::string_view kCheckpointLabel = "rspf audit checkpoint";

constexpr std::size_t kMacBytes = 32;

void appendField(crypto::Bytes& out, std::string_view text) {
  const auto n = static_cast<std::uint32_t>(text.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(n >> shift));
  out.insert(out.end(), text.begin(), text.end());
}

// seq (8 bytes), at (8 bytes, Unix seconds), then each text field as a 4-byte length and its bytes;
// all big-endian.
crypto::Bytes encode(const AuditEntry& e) {
  crypto::Bytes out;
  const auto seq = e.seq;
  const auto at = static_cast<std::uint64_t>(toUnix(e.at));
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(seq >> shift));
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(at >> shift));
  for (auto field : {e.actor, e.action, e.subject, e.outcome, e.detail}) appendField(out, field);
  return out;
}

crypto::Bytes chainMac(const crypto::SecretBytes& key, crypto::ByteView previous, const AuditEntry& e) {
  auto encoded = encode(e);
  auto mac = crypto::hmacSha256(key.view(), {previous, encoded});
  return crypto::Bytes(mac.view().begin(), mac.view().end());
}

crypto::Bytes bigEndian(std::uint64_t value) {
  crypto::Bytes out;
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
  return out;
}

crypto::Bytes checkpointMac(const crypto::SecretBytes& key, std::uint64_t seq, crypto::ByteView entryMac) {
  auto seqBytes = bigEndian(seq);
  auto mac = crypto::hmacSha256(key.view(), {crypto::asBytes(kCheckpointLabel), seqBytes, entryMac});
  return crypto::Bytes(mac.view().begin(), mac.view().end());
}

// meta 'audit_checkpoint': seq (8 bytes, big-endian) ‖ entry MAC (32) ‖ checkpoint MAC (32).
crypto::Bytes encodeCheckpoint(const AuditCheckpoint& c) {
  auto out = bigEndian(c.seq);
  out.insert(out.end(), c.entryMac.begin(), c.entryMac.end());
  out.insert(out.end(), c.mac.begin(), c.mac.end());
  return out;
}

AuditVerification brokenAt(std::uint64_t seq, std::string problem, std::uint64_t entries = 0) {
  AuditVerification v;
  v.intact = false;
  v.firstBadSeq = seq;
  v.problem = std::move(problem);
  v.entries = entries;
  return v;
}

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
  std::uint64_t seq = 0;
  crypto::Bytes previous;
  auto last = writer_.statement(kLastAudit);
  if (last.step()) {
    seq = static_cast<std::uint64_t>(last.integer(0));
    previous = last.blob(1);
  } else {  // empty, or every entry archived: the chain goes on from the checkpoint
    auto start = auditStart(writer_);
    seq = start.seq;
    previous = std::move(start.entryMac);
  }
  for (AuditEntry entry : entries) {
    entry.seq = ++seq;
    auto mac = chainMac(auditKey_, previous, entry);
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
    previous = std::move(mac);
  }
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
  AuditCheckpoint c{seq, std::move(entryMac), {}};
  c.mac = checkpointMac(auditKey_, c.seq, c.entryMac);
  return c;
}

AuditCheckpoint SqliteStore::auditStart(sqlite::Database& db) {
  auto s = db.statement(kSelectCheckpoint);
  if (!s.step()) return checkpoint(0, crypto::Bytes(kMacBytes, 0));
  auto value = s.blob(0);
  if (value.size() != 8 + 2 * kMacBytes) throw Error(ErrorCode::Store, "the audit log's start checkpoint is malformed");
  AuditCheckpoint c;
  for (std::size_t i = 0; i < 8; ++i) c.seq = (c.seq << 8) | value[i];
  c.entryMac.assign(value.begin() + 8, value.begin() + 8 + kMacBytes);
  c.mac.assign(value.begin() + 8 + kMacBytes, value.end());
  if (!crypto::constantTimeEqual(checkpointMac(auditKey_, c.seq, c.entryMac), c.mac))
    throw Error(ErrorCode::Store, "the audit log's start checkpoint was altered (its MAC does not verify)");
  return c;
}

AuditVerification SqliteStore::verifyAudit() {
  auto read = reader();
  AuditCheckpoint start;
  try {
    start = auditStart(read->db);
  } catch (const Error& e) {
    return brokenAt(1, e.what());
  }
  auto s = read->db.statement(kAllAudit);
  s.bindInt(1, static_cast<std::int64_t>(start.seq));
  AuditVerification result;
  crypto::Bytes previous = start.entryMac;
  std::uint64_t expected = start.seq + 1;
  auto broken = [&](std::uint64_t seq, std::string problem) {
    result.intact = false;
    result.firstBadSeq = seq;
    result.problem = std::move(problem);
    return result;
  };
  while (s.step()) {
    auto entry = readEntry(s);
    auto stored = s.blob(7);
    if (entry.seq != expected)
      return broken(expected, entry.seq > expected
                                  ? "entry " + std::to_string(expected) + " is missing (the log jumps from " +
                                        std::to_string(expected - 1) + " to " + std::to_string(entry.seq) + ")"
                                  : "entry " + std::to_string(entry.seq) + " is out of order");
    auto mac = chainMac(auditKey_, previous, entry);
    if (!crypto::constantTimeEqual(mac, stored))
      return broken(entry.seq, "entry " + std::to_string(entry.seq) +
                                   " was altered (or an entry before it was; its MAC does not chain)");
    previous = std::move(stored);
    ++expected;
    ++result.entries;
  }
  return result;
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
      !crypto::constantTimeEqual(checkpointMac(auditKey_, segment.end.seq, segment.end.entryMac), segment.end.mac))
    throw Error(ErrorCode::Conflict, "the audit log does not hold the archive's last entry as archived");
  writer_.statement(kTrimAudit).bindInt(1, static_cast<std::int64_t>(segment.end.seq)).run();
  storeAuditCheckpoint(segment.end);
  tx.commit();
}

void SqliteStore::storeAuditCheckpoint(const AuditCheckpoint& start) {
  writer_.statement(kStoreCheckpoint).bindBlob(1, encodeCheckpoint(start)).run();
}

AuditVerification SqliteStore::verifyAuditSegment(const AuditSegment& segment) {
  for (const auto* c : {&segment.start, &segment.end})
    if (c->entryMac.size() != kMacBytes ||
        !crypto::constantTimeEqual(checkpointMac(auditKey_, c->seq, c->entryMac), c->mac))
      return brokenAt(c->seq, "the archive's " + std::string(c == &segment.start ? "start" : "end") +
                                  " checkpoint does not verify (altered, or another key-encryption key)");
  if (segment.macs.size() != segment.entries.size())
    return brokenAt(segment.start.seq + 1, "the archive holds " + std::to_string(segment.entries.size()) +
                                               " entries but " + std::to_string(segment.macs.size()) + " MACs");
  crypto::Bytes previous = segment.start.entryMac;
  std::uint64_t expected = segment.start.seq + 1;
  for (std::size_t i = 0; i < segment.entries.size(); ++i) {
    const auto& entry = segment.entries[i];
    if (entry.seq != expected)
      return brokenAt(expected, "entry " + std::to_string(expected) + " is missing from the archive", i);
    if (!crypto::constantTimeEqual(chainMac(auditKey_, previous, entry), segment.macs[i]))
      return brokenAt(entry.seq, "entry " + std::to_string(entry.seq) + " of the archive was altered", i);
    previous = segment.macs[i];
    ++expected;
  }
  if (expected - 1 != segment.end.seq || !crypto::constantTimeEqual(previous, segment.end.entryMac))
    return brokenAt(expected, "the archive ends before its end checkpoint (entries removed from its end)",
                    segment.entries.size());
  AuditVerification v;
  v.entries = segment.entries.size();
  return v;
}

}  // namespace rspf::store
