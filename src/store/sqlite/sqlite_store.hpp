#pragma once
// The MEF's store on SQLite, WAL journal, secrets sealed under the key-encryption key with
// associated data naming their row.
//
// Connections: one writer and a small pool of readers. Every lookup runs on a reader connection
// (its own read transaction per call, so it sees every write committed before it started) and never
// waits for a write: in WAL mode readers do not block on the writer.
//
// Writes: commitEnrolment is handed to the writer thread, which owns the writer connection and
// commits whatever enrolments are queued (up to kMaxBatch) in one transaction, each in its own
// savepoint, with synchronous=FULL: one fdatasync for the group, and no caller returns before the
// COMMIT holding its enrolment completed (group commit). The other, rare, writes run on the
// caller's thread on the same connection under the same writer mutex, so they never interleave
// with a batch.
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>
#include <variant>
#include <vector>

#include "common/error.hpp"
#include "store/enrolee_row.hpp"
#include "store/key_encryption_key.hpp"
#include "store/policy_json.hpp"
#include "store/sqlite/sqlite_statement.hpp"
#include "store/store.hpp"

namespace rspf::store {

class SqliteStore final : public Store {
 public:
  static constexpr std::size_t kMaxBatch = 64;  // enrolments per transaction
  static constexpr std::size_t kReaders = 4;    // read connections, opened on first use
  // How long queued audit entries alone may wait for an enrolment to share its commit, and how many
  // end that wait sooner. Each commit costs an fdatasync and resets every reader's page cache (WAL), so
  // audited requests at a high rate (Key Retrieval: one entry per fetch) want few commits; a larger
  // batch holds a core longer for its HMAC chain and lengthens the requests' tail (docs/performance.md,
  // "MEF Key Retrieval"). An enrolment still commits at once, taking the queued entries with it.
  static constexpr std::chrono::milliseconds kAuditCommitDelay{20};
  static constexpr std::size_t kMaxAuditBatch = 128;

  // Creates the database (mode 0600) if needed, migrates it and checks the KEK against it.
  SqliteStore(const std::filesystem::path& path, KeyEncryptionKey kek);
  // Commits what is queued, then stops the writer thread.
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  void addEnrolee(const Enrolee& enrolee) override;
  std::vector<std::string> addEnrolees(const std::vector<Enrolee>& batch) override;
  std::optional<Enrolee> findEnrolee(std::string_view enroleeId) override;
  std::optional<Enrolee> findEnroleeByKpmId(std::string_view kpmId) override;
  std::unique_ptr<ReadScope> readTogether() override;
  std::optional<EnroleeStatus> findEnroleeStatus(std::string_view enroleeId) override;
  std::vector<Enrolee> listEnrolees() override;
  bool setEnroleeEnabled(std::string_view enroleeId, bool enabled) override;
  bool setEnroleePolicy(std::string_view enroleeId, const EnrolmentPolicy& policy) override;
  std::optional<EnrolmentPolicy> updateEnroleePolicy(std::string_view enroleeId,
                                                     const std::function<void(EnrolmentPolicy&)>& change) override;
  bool removeEnrolee(std::string_view enroleeId) override;

  void addBootstrapIdentity(const BootstrapIdentity& identity) override;
  std::optional<BootstrapIdentity> findBootstrapIdentity(std::string_view kind, std::string_view value) override;
  std::vector<BootstrapIdentity> listBootstrapIdentities(std::string_view enroleeId) override;
  bool removeBootstrapIdentity(std::string_view kind, std::string_view value) override;

  TokenRefusal commitEnrolment(EnrolmentKey key, const std::optional<TokenUse>& token, TimePoint now,
                               std::chrono::seconds previousKeyGrace = std::chrono::seconds(0)) override;
  std::optional<EnrolmentKey> findEnrolmentKey(std::string_view relativeKeId) override;
  std::optional<TimePoint> findEnrolmentKeyExpiry(std::string_view relativeKeId) override;
  std::optional<RetrievableKey> findRetrievableKey(std::string_view relativeKeId) override;
  std::optional<EnrolmentKey> findEnrolmentKeyByKreId(std::string_view kreId) override;
  std::optional<EnrolmentKey> findEnrolmentKeyOf(std::string_view enroleeId) override;
  bool recordCompletedStep(std::string_view relativeKeId, std::string_view step) override;
  std::size_t purgeExpiredEnrolmentKeys(TimePoint now) override;

  void addTarget(const EnrolmentTarget& target) override;
  std::optional<EnrolmentTarget> findTarget(std::string_view targetId) override;
  std::vector<EnrolmentTarget> listTargets() override;
  bool removeTarget(std::string_view targetId) override;

  void addCertificateAuthority(const CertificateAuthorityRecord& ca) override;
  std::optional<CertificateAuthorityRecord> findCertificateAuthority(std::string_view label) override;
  void recordIssuedCertificate(const IssuedCertificateRecord& certificate) override;
  std::vector<IssuedCertificateRecord> listIssuedCertificates(std::string_view enroleeId) override;
  std::optional<IssuedCertificateRecord> findIssuedCertificate(std::string_view serialHex) override;
  bool revokeCertificate(std::string_view serialHex, std::string_view reason, TimePoint at) override;
  std::vector<IssuedCertificateRecord> listRevokedCertificates(std::string_view caLabel) override;
  void holdCertificateRequest(const PendingCertificateRequest& request) override;
  std::optional<PendingCertificateRequest> findPendingCertificateRequest(std::string_view enroleeId) override;
  std::vector<PendingCertificateRequest> listPendingCertificateRequests() override;
  bool approveCertificateRequest(std::string_view enroleeId) override;
  void removePendingCertificateRequest(std::string_view enroleeId) override;

  void addToken(const EnrolmentToken& token) override;
  std::optional<EnrolmentToken> findToken(std::string_view tokenId) override;
  std::optional<EnrolmentToken> findTokenByHash(crypto::ByteView tokenHash) override;
  std::vector<EnrolmentToken> listTokens() override;
  bool revokeToken(std::string_view tokenId) override;

  void appendAudit(AuditEntry entry) override;
  void flushAudit() override;
  std::vector<AuditEntry> tailAudit(std::size_t count) override;
  AuditVerification verifyAudit() override;
  AuditSegment auditSegmentBefore(TimePoint before, std::size_t maxEntries) override;
  void trimAudit(const AuditSegment& segment) override;
  AuditVerification verifyAuditSegment(const AuditSegment& segment) override;

  std::vector<AuditEntry> auditAfter(std::uint64_t afterSeq, std::size_t limit) override;
  void backup(const std::filesystem::path& file) override;
  // The rotated store keeps its old KEK in memory for sealing: reopen it with the new one.
  void rotateKeyEncryptionKey(const KeyEncryptionKey& next, AuditEntry rotation) override;
  int schemaVersion() override;

  // Diagnostics and tests (not part of Store): transactions the writer thread committed so far
  // (each holds one or more enrolments); enrolments queued but not yet taken by it; enrolments of
  // the batch it is committing now.
  std::uint64_t commitBatches() const { return commitBatches_.load(); }
  std::size_t queuedEnrolments();
  std::size_t enrolmentsBeingCommitted() const { return batchSize_.load(); }

 private:
  // How an enrolment failed. It reaches its caller as data, who throws Error(code, message): no
  // exception object is shared between threads.
  struct Failure {
    ErrorCode code;
    std::string message;
  };
  using Outcome = std::variant<TokenRefusal, Failure>;
  // A commitEnrolment waiting for the writer thread; sealed and serialised by its caller.
  struct PendingEnrolment {
    EnrolmentKey key;  // ke and kre empty: they travel sealed
    crypto::Bytes keSealed;
    crypto::Bytes kreSealed;
    std::string completedStepsJson;
    std::optional<crypto::Bytes> tokenHash;
    TimePoint now{};
    std::chrono::seconds previousKeyGrace{0};
    std::promise<Outcome> outcome;
  };

  struct ReaderSlot {
    std::mutex mutex;
    sqlite::Database db;  // opened on first use
    PolicyCache policies;
  };
  // A read connection (and its policy cache) held for one lookup.
  class ReadLease {
   public:
    ReadLease(std::unique_lock<std::mutex> lock, ReaderSlot& slot) : lock_(std::move(lock)), slot_(&slot) {}
    ReaderSlot* operator->() const { return slot_; }

   private:
    std::unique_lock<std::mutex> lock_;
    ReaderSlot* slot_;
  };

  class SnapshotScope;
  // The read connection this thread's SnapshotScope holds, and the store it is one of.
  struct HeldSnapshot {
    const SqliteStore* store = nullptr;
    ReaderSlot* slot = nullptr;
  };
  static thread_local HeldSnapshot heldSnapshot_;
  // A free read connection, or the one this thread's SnapshotScope on this store holds.
  ReadLease reader();
  void checkKeyEncryptionKey();
  Enrolee readEnrolee(const sqlite::Statement& row, PolicyCache& policies) const;
  EnrolmentKey readEnrolmentKey(const sqlite::Statement& row) const;
  void insertBootstrapIdentity(const BootstrapIdentity& identity);  // in the caller's write transaction
  // The checks and rows of addEnrolee, in the caller's write transaction.
  void insertEnrolee(const Enrolee& enrolee, const EnroleeRow& row);
  std::optional<Enrolee> findEnroleeWhere(std::string_view sql, std::string_view value);
  std::optional<EnrolmentKey> findEnrolmentKeyWhere(std::string_view sql, std::string_view value);

  // Appends the queued audit entries inside the writer's open transaction, chained to the last
  // entry in the database (read under the write lock: another process may have appended).
  void appendAuditInTransaction(const std::vector<AuditEntry>& entries);
  // The log's start: the checkpoint trimAudit left (verified), else seq 0. Error(Store) when altered.
  AuditCheckpoint auditStart(sqlite::Database& db);
  AuditCheckpoint checkpoint(std::uint64_t seq, crypto::Bytes entryMac) const;  // MACed under auditKey_
  void storeAuditCheckpoint(const AuditCheckpoint& start);                      // in the writer's open transaction

  // Writer thread.
  static Failure currentFailure();  // the exception being handled
  void runWriter();
  void commitBatch(std::vector<PendingEnrolment>& batch, const std::vector<AuditEntry>& audit);
  Outcome applyEnrolment(PendingEnrolment& item);
  TokenRefusal enrolInSavepoint(PendingEnrolment& item);
  // Checks and consumes the token for `item` inside the writer's transaction.
  TokenRefusal consumeToken(PendingEnrolment& item);

  const std::filesystem::path path_;
  const KeyEncryptionKey kek_;

  std::mutex writerMutex_;  // the writer connection: the writer thread's batch or one direct write
  // Declared before readers_ so that it closes last: the last connection to close checkpoints the
  // WAL into the main file.
  sqlite::Database writer_;

  std::array<ReaderSlot, kReaders> readers_;
  std::atomic<unsigned> nextReader_{0};

  std::mutex queueMutex_;
  std::condition_variable queueReady_;
  std::deque<PendingEnrolment> queue_;
  std::vector<AuditEntry> auditQueue_;
  bool auditFlushWanted_ = false;     // flushAudit is waiting: commit without delay
  std::uint64_t auditQueued_ = 0;     // entries ever queued (under queueMutex_)
  std::uint64_t auditCommitted_ = 0;  // of those, committed or failed (under queueMutex_)
  std::condition_variable auditDone_;
  crypto::SecretBytes auditKey_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> commitBatches_{0};
  std::atomic<std::size_t> batchSize_{0};
  std::thread writerThread_;  // last: started when everything else is ready
};

}  // namespace rspf::store
