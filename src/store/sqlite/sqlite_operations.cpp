// SqliteStore: online backup (the SQLite backup API) and key-encryption key rotation (issue 13 item 4).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>

#include "common/error.hpp"
#include "crypto/primitives.hpp"
#include "store/audit_chain.hpp"
#include "store/sealing.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace rspf::store {
namespace {

// The associated data each secret is sealed with: store/sealing.hpp.
std::string kpmWhere(const std::string& enroleeId) { return kpmSealingName(enroleeId); }
std::string keWhere(const std::string& relativeKeId) { return keSealingName(relativeKeId); }
std::string kreWhere(const std::string& relativeKeId) { return kreSealingName(relativeKeId); }
std::string caKeyWhere(const std::string& label) { return caKeySealingName(label); }

struct SealedColumn {
  const char* table;
  const char* key;
  const char* column;
  std::function<std::string(const std::string&)> where;
};

}  // namespace

std::vector<AuditEntry> SqliteStore::auditAfter(std::uint64_t afterSeq, std::size_t limit) {
  auto read = reader();
  auto s = read->db.statement(
      "SELECT seq, at, actor, action, subject, outcome, detail FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2");
  s.bindInt(1, static_cast<std::int64_t>(afterSeq));
  s.bindInt(2, static_cast<std::int64_t>(std::min<std::size_t>(limit, 1u << 30)));
  std::vector<AuditEntry> out;
  while (s.step())
    out.push_back({static_cast<std::uint64_t>(s.integer(0)), fromUnix(s.integer(1)), s.text(2), s.text(3), s.text(4),
                   s.text(5), s.text(6)});
  return out;
}

void SqliteStore::backup(const std::filesystem::path& file) {
  flushAudit();
  int fd = ::open(file.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOCTTY, 0600);
  if (fd < 0)
    throw Error(ErrorCode::Config, "cannot create the backup " + file.string() + ": " + std::strerror(errno) +
                                       (errno == EEXIST ? " (a backup never overwrites a file)" : ""));
  ::close(fd);
  auto fail = [&](const std::string& why) {
    ::unlink(file.c_str());
    ::unlink((file.string() + "-journal").c_str());
    return Error(ErrorCode::Store, "backup to " + file.string() + " failed: " + why);
  };
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(raw);
    throw fail("cannot open it");
  }
  sqlite::Connection destination(raw);
  {
    auto read = reader();
    sqlite3_backup* copy = sqlite3_backup_init(destination.get(), "main", read->db.get(), "main");
    if (copy == nullptr) throw fail(sqlite3_errmsg(destination.get()));
    const int stepped = sqlite3_backup_step(copy, -1);  // all pages, as one consistent read
    const int finished = sqlite3_backup_finish(copy);
    if (stepped != SQLITE_DONE || finished != SQLITE_OK) throw fail(sqlite3_errstr(stepped));
  }
  // One self-contained file: no -wal beside it to forget when it is copied away.
  try {
    sqlite::execute(destination.get(), "PRAGMA journal_mode=DELETE", "making the backup a single file");
  } catch (const Error& e) {
    throw fail(e.what());
  }
  destination.reset();
  fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    throw fail("cannot make it durable");
  }
  ::close(fd);
}

void SqliteStore::rotateKeyEncryptionKey(const KeyEncryptionKey& next, AuditEntry rotation) {
  auto verification = verifyAudit();  // flushes nothing: what is queued is appended after the rotation
  if (!verification.intact)
    throw Error(ErrorCode::Store,
                "the audit log does not verify (" + verification.problem + "): not re-chaining it under a new key");
  flushAudit();
  std::lock_guard lock(writerMutex_);
  sqlite::WriteTransaction tx(writer_.get());
  const std::vector<SealedColumn> columns = {
      {"enrolees", "enrolee_id", "kpm_sealed", kpmWhere},
      {"enrolment_keys", "relative_ke_id", "ke_sealed", keWhere},
      {"enrolment_keys", "relative_ke_id", "kre_sealed", kreWhere},
      {"retired_enrolment_keys", "relative_ke_id", "ke_sealed", keWhere},
      {"retired_enrolment_keys", "relative_ke_id", "kre_sealed", kreWhere},
      {"certificate_authorities", "label", "sealed_key", caKeyWhere},
  };
  std::size_t resealed = 0;
  for (const auto& c : columns) {
    std::vector<std::pair<std::string, crypto::Bytes>> rows;
    auto select = writer_.statement(std::string("SELECT ") + c.key + ", " + c.column + " FROM " + c.table + " WHERE " +
                                    c.column + " IS NOT NULL");
    while (select.step()) rows.emplace_back(select.text(0), select.blob(1));
    for (const auto& [key, sealed] : rows) {
      auto plain = kek_.open(sealed, c.where(key));  // throws: the transaction rolls back
      writer_.statement(std::string("UPDATE ") + c.table + " SET " + c.column + " = ?1 WHERE " + c.key + " = ?2")
          .bindBlob(1, next.seal(plain.view(), c.where(key)))
          .bindText(2, key)
          .run();
      ++resealed;
    }
  }
  writer_.statement("UPDATE meta SET value = ?1 WHERE name = 'kek_check'").bindBlob(1, sealKekCheck(next)).run();
  // The audit chain under the new audit key, entry by entry (verified above under the old one).
  std::vector<AuditEntry> entries;
  auto all = writer_.statement("SELECT seq, at, actor, action, subject, outcome, detail FROM audit_log ORDER BY seq");
  while (all.step())
    entries.push_back({static_cast<std::uint64_t>(all.integer(0)), fromUnix(all.integer(1)), all.text(2), all.text(3),
                       all.text(4), all.text(5), all.text(6)});
  writer_.statement("DELETE FROM audit_log").run();
  const AuditCheckpoint start = auditStart(writer_);  // where an archived log starts (verified, old key)
  const crypto::SecretBytes oldAuditKey = auditKey_;
  auditKey_ = deriveAuditKey(next);
  try {
    // The checkpoint MACed under the new key; archives made before stay verifiable with the old KEK.
    if (start.seq > 0) storeAuditCheckpoint(checkpoint(start.seq, start.entryMac));
    rotation.detail = std::to_string(resealed) + " secrets re-sealed, " + std::to_string(entries.size()) +
                      " audit entries re-chained" + (rotation.detail.empty() ? "" : "; " + rotation.detail);
    entries.push_back(std::move(rotation));
    for (auto& e : entries) e.seq = 0;
    appendAuditInTransaction(entries);
    tx.commit();
  } catch (...) {
    auditKey_ = oldAuditKey;
    throw;
  }
}

}  // namespace rspf::store
