#pragma once
// The MEF's store on PostgreSQL, for several MEF instances on one database. Secrets are sealed
// under the KEK with the names of store/sealing.hpp before they leave the process; the rules of
// store/token_rules.hpp, store/retired_keys.hpp and store/audit_chain.hpp are the same as SQLite's.
//
// Every operation is one transaction on a pooled connection (pg_pool.hpp). Concurrency between
// instances is the database's: commitEnrolment locks the Enrolee's row (FOR NO KEY UPDATE) and
// the token's row (FOR UPDATE), so two enrolments of one Enrolee, or two uses of one token, on
// any instances, commit one after the other and the second sees the first; the audit log is
// appended under an advisory lock, so all instances write one chain.
//
// Audit entries are queued and written by a background thread, a batch per transaction;
// flushAudit waits until everything queued is durable.
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/enrolee_row.hpp"
#include "store/key_encryption_key.hpp"
#include "store/postgres/pg_pool.hpp"
#include "store/store.hpp"

namespace rspf::store {

class PostgresStore final : public Store {
 public:
  // Connects, migrates (store/postgres/pg_migrations.hpp) and checks the KEK.
  PostgresStore(const std::string& conninfo, std::size_t poolSize, KeyEncryptionKey kek);
  // Writes what is queued for the audit log, then stops its thread.
  ~PostgresStore() override;
  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;

  void addEnrolee(const Enrolee& enrolee) override;
  std::vector<std::string> addEnrolees(const std::vector<Enrolee>& batch) override;
  std::optional<Enrolee> findEnrolee(std::string_view enroleeId) override;
  std::optional<Enrolee> findEnroleeByKpmId(std::string_view kpmId) override;
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
  std::vector<AuditEntry> auditAfter(std::uint64_t afterSeq, std::size_t limit) override;
  AuditSegment auditSegmentBefore(TimePoint before, std::size_t maxEntries) override;
  void trimAudit(const AuditSegment& segment) override;
  AuditVerification verifyAuditSegment(const AuditSegment& segment) override;
  void backup(const std::filesystem::path& file) override;  // refused: pg_dump (docs/operations-shared-store.md)
  void rotateKeyEncryptionKey(const KeyEncryptionKey& next, AuditEntry rotation) override;

  int schemaVersion() override;

 private:
  void checkKeyEncryptionKey();
  Enrolee readEnrolee(const pqxx::row& row, PolicyCache& policies) const;
  EnrolmentKey readEnrolmentKey(const pqxx::row& row) const;
  std::optional<Enrolee> findEnroleeWhere(const postgres::Statement& statement, std::string_view value);
  std::optional<EnrolmentKey> findEnrolmentKeyWhere(const postgres::Statement& statement, std::string_view value);
  void insertBootstrapIdentity(pqxx::transaction_base& tx, postgres::Session& session,
                               const BootstrapIdentity& identity);
  // The checks and rows of addEnrolee, in the caller's transaction.
  void insertEnrolee(pqxx::transaction_base& tx, postgres::Session& session, const Enrolee& enrolee,
                     const EnroleeRow& row);
  // The log's start: the checkpoint trimAudit left (verified), else seq 0. Error(Store) when altered.
  AuditCheckpoint auditStart(pqxx::transaction_base& tx, postgres::Session& session);
  // Writes `entries` after the last stored entry, in one transaction under the audit lock.
  void writeAudit(const std::vector<AuditEntry>& entries);
  void runAuditWriter();

  const KeyEncryptionKey kek_;
  const crypto::SecretBytes auditKey_;
  postgres::ConnectionPool pool_;

  std::mutex auditMutex_;
  std::condition_variable auditReady_;
  std::condition_variable auditDone_;
  std::vector<AuditEntry> auditQueue_;
  std::uint64_t auditQueued_ = 0;
  std::uint64_t auditWritten_ = 0;  // written or given up on
  bool auditFlushWanted_ = false;
  bool stopping_ = false;
  std::thread auditThread_;  // last: started when everything else is ready
};

}  // namespace rspf::store
