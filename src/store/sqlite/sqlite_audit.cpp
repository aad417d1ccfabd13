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
constexpr std::string_view kAllAudit = RSPF_SELECT_AUDIT "ORDER BY seq";
#undef RSPF_SELECT_AUDIT

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
  auditDone_.wait(lock, [&] { return auditCommitted_ >= target; });
}

void SqliteStore::appendAuditInTransaction(const std::vector<AuditEntry>& entries) {
  std::uint64_t seq = 0;
  crypto::Bytes previous(kMacBytes, 0);
  auto last = writer_.statement(kLastAudit);
  if (last.step()) {
    seq = static_cast<std::uint64_t>(last.integer(0));
    previous = last.blob(1);
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

AuditVerification SqliteStore::verifyAudit() {
  auto read = reader();
  auto s = read->db.statement(kAllAudit);
  AuditVerification result;
  crypto::Bytes previous(kMacBytes, 0);
  std::uint64_t expected = 1;
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

}  // namespace rspf::store
