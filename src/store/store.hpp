#pragma once
// The MEF's store: one interface, one implementation per database (store/sqlite, later postgres).
// Implementations encrypt secrets at rest (store/key_encryption_key.hpp) and are thread-safe.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/key_encryption_key.hpp"
#include "store/records.hpp"

namespace rspf::store {

// Why a token could not be used; None when the enrolment was committed.
enum class TokenRefusal { None, Unknown, AlreadyUsed, Revoked, Expired, BoundToAnotherEnrolee };
std::string_view describe(TokenRefusal r);

struct TokenUse {
  crypto::Bytes tokenHash;
};

class Store {
 public:
  virtual ~Store() = default;

  // --- Reads that belong together (one request's checks, e.g. MEF Key Retrieval's): until the
  // returned scope ends, this thread's lookups on this store see one snapshot of it. SQLite: one
  // read transaction on one read connection, one set of WAL locks instead of one per statement.
  // Writes are not part of it (a lookup in the scope does not see them). Scopes do not nest: an
  // inner one is empty. Default: each lookup on its own (an empty scope).
  class ReadScope {
   public:
    virtual ~ReadScope() = default;
  };
  virtual std::unique_ptr<ReadScope> readTogether() { return nullptr; }

  // --- Enrolees. add throws Error(Conflict) when the Enrolee-ID or KpmId exists.
  virtual void addEnrolee(const Enrolee& enrolee) = 0;
  // Bulk registration (rspf admin enrolee import, issue 14 item 6): each Enrolee of `batch` as
  // addEnrolee adds it, all in one transaction with one durable commit. One refused (Conflict,
  // BadRequest) leaves no trace and does not stop the others. Returns, per Enrolee in order, ""
  // when it was added, else why not. Throws when the store fails (then none is added).
  virtual std::vector<std::string> addEnrolees(const std::vector<Enrolee>& batch) = 0;
  virtual std::optional<Enrolee> findEnrolee(std::string_view enroleeId) = 0;
  virtual std::optional<Enrolee> findEnroleeByKpmId(std::string_view kpmId) = 0;
  // Whether the Enrolee exists and is enabled, and its policy, without unsealing its Kpm.
  virtual std::optional<EnroleeStatus> findEnroleeStatus(std::string_view enroleeId) = 0;
  virtual std::vector<Enrolee> listEnrolees() = 0;
  // These return false when no such Enrolee exists.
  virtual bool setEnroleeEnabled(std::string_view enroleeId, bool enabled) = 0;
  virtual bool setEnroleePolicy(std::string_view enroleeId, const EnrolmentPolicy& policy) = 0;
  // Read-modify-write in one transaction (SQLite: BEGIN IMMEDIATE): reads the Enrolee's policy,
  // applies `change`, writes the result, so that no concurrent change, from this process or another,
  // is lost. When `change` throws, nothing changes and the exception propagates. Returns the stored
  // policy; nullopt when no such Enrolee exists.
  virtual std::optional<EnrolmentPolicy> updateEnroleePolicy(std::string_view enroleeId,
                                                             const std::function<void(EnrolmentPolicy&)>& change) = 0;
  virtual bool removeEnrolee(std::string_view enroleeId) = 0;  // and its Enrolment Key

  // --- Bootstrap identities (records.hpp). add throws Error(Conflict) when (kind, value) is
  // registered, Error(NotFound) when the Enrolee does not exist. They go with their Enrolee.
  virtual void addBootstrapIdentity(const BootstrapIdentity& identity) = 0;
  virtual std::optional<BootstrapIdentity> findBootstrapIdentity(std::string_view kind, std::string_view value) = 0;
  virtual std::vector<BootstrapIdentity> listBootstrapIdentities(std::string_view enroleeId) = 0;
  virtual bool removeBootstrapIdentity(std::string_view kind, std::string_view value) = 0;
  // The Enrolee a bootstrap identity names (e.g. kind "gba", value IMPI), without unsealing anything.
  std::optional<EnroleeStatus> findEnroleeByBootstrapIdentity(std::string_view kind, std::string_view value) {
    auto identity = findBootstrapIdentity(kind, value);
    return identity ? findEnroleeStatus(identity->enroleeId) : std::nullopt;
  }

  // --- Enrolment Keys. One current key per Enrolee.
  // In one transaction: if `token` is given, check and consume it (single use: of two concurrent
  // uses exactly one commits), record its id and auxiliary information on `key`, then replace the
  // Enrolee's previous Enrolment Key by `key`. Durable on return. Nothing changes on refusal.
  // Throws Error(NotFound) when the Enrolee does not exist. Concurrent calls may share one durable
  // commit (group commit); each still returns only once its enrolment is durable.
  // The replaced key is kept as a retired key until now + `previousKeyGrace` (never beyond its own
  // expiry) when that is positive, else dropped at once.
  virtual TokenRefusal commitEnrolment(EnrolmentKey key, const std::optional<TokenUse>& token, TimePoint now,
                                       std::chrono::seconds previousKeyGrace = std::chrono::seconds(0)) = 0;
  // The current key with this RelativeKeId, else a retired one (EnrolmentKey::retired).
  virtual std::optional<EnrolmentKey> findEnrolmentKey(std::string_view relativeKeId) = 0;
  // The expiry of the key findEnrolmentKey would find, without unsealing Ke and Kre: what a
  // session opened with that key's KreId checks on every request (issue 10 item 2).
  virtual std::optional<TimePoint> findEnrolmentKeyExpiry(std::string_view relativeKeId) = 0;
  // Ke and what Key Retrieval needs of the key findEnrolmentKey would find, unsealing Ke only.
  virtual std::optional<RetrievableKey> findRetrievableKey(std::string_view relativeKeId) = 0;
  virtual std::optional<EnrolmentKey> findEnrolmentKeyByKreId(std::string_view kreId) = 0;
  virtual std::optional<EnrolmentKey> findEnrolmentKeyOf(std::string_view enroleeId) = 0;
  virtual bool recordCompletedStep(std::string_view relativeKeId, std::string_view step) = 0;
  virtual std::size_t purgeExpiredEnrolmentKeys(TimePoint now) = 0;

  // --- Enrolment Targets. add throws Error(Conflict) when it exists.
  virtual void addTarget(const EnrolmentTarget& target) = 0;
  virtual std::optional<EnrolmentTarget> findTarget(std::string_view targetId) = 0;
  virtual std::vector<EnrolmentTarget> listTargets() = 0;
  virtual bool removeTarget(std::string_view targetId) = 0;

  // --- Enrolment tokens.
  virtual void addToken(const EnrolmentToken& token) = 0;
  virtual std::optional<EnrolmentToken> findToken(std::string_view tokenId) = 0;
  // The token whose value hashes to `tokenHash` (procedures::hashEnrolmentToken), in any state.
  virtual std::optional<EnrolmentToken> findTokenByHash(crypto::ByteView tokenHash) = 0;
  virtual std::vector<EnrolmentToken> listTokens() = 0;
  virtual bool revokeToken(std::string_view tokenId) = 0;

  // --- Certificate Authorities and the certificates they issued.
  virtual void addCertificateAuthority(const CertificateAuthorityRecord& ca) = 0;  // Conflict if the label exists
  virtual std::optional<CertificateAuthorityRecord> findCertificateAuthority(std::string_view label) = 0;
  virtual void recordIssuedCertificate(const IssuedCertificateRecord& certificate) = 0;
  virtual std::vector<IssuedCertificateRecord> listIssuedCertificates(std::string_view enroleeId) = 0;
  virtual std::optional<IssuedCertificateRecord> findIssuedCertificate(std::string_view serialHex) = 0;
  // Marks an issued certificate revoked; false when no such certificate exists or it already is.
  virtual bool revokeCertificate(std::string_view serialHex, std::string_view reason, TimePoint at) = 0;
  virtual std::vector<IssuedCertificateRecord> listRevokedCertificates(std::string_view caLabel) = 0;

  // --- Certificate requests held for approval: one per Enrolee (a new request replaces it).
  virtual void holdCertificateRequest(const PendingCertificateRequest& request) = 0;
  virtual std::optional<PendingCertificateRequest> findPendingCertificateRequest(std::string_view enroleeId) = 0;
  virtual std::vector<PendingCertificateRequest> listPendingCertificateRequests() = 0;
  virtual bool approveCertificateRequest(std::string_view enroleeId) = 0;  // false: none pending
  virtual void removePendingCertificateRequest(std::string_view enroleeId) = 0;

  // --- Audit log. An entry is queued and committed with the store's next write (the writer thread
  // does not make its caller wait); flushAudit waits until everything queued is durable. Each entry
  // carries HMAC(audit key, previous entry's MAC ‖ this entry), the key derived from the KEK, so an
  // entry edited or removed breaks the chain (verifyAudit).
  virtual void appendAudit(AuditEntry entry) = 0;
  virtual void flushAudit() = 0;
  virtual std::vector<AuditEntry> tailAudit(std::size_t count) = 0;  // the last `count`, oldest first
  virtual AuditVerification verifyAudit() = 0;  // from the log's start (its checkpoint, see trimAudit)

  // --- Audit retention (docs/security.md "Audit log"): the oldest entries move to an archive.
  // The entries from the log's start up to the last one recorded before `before` (at most
  // `maxEntries`), with their MACs and the checkpoints around them. Reads only.
  virtual AuditSegment auditSegmentBefore(TimePoint before, std::size_t maxEntries) = 0;
  // In one transaction: removes the segment's entries and makes segment.end the log's start, so that
  // verifyAudit of the rest still passes. Error(Conflict) and nothing changed unless the log still
  // starts at segment.start and holds the segment's last entry with its MAC.
  virtual void trimAudit(const AuditSegment& segment) = 0;
  // Checks a segment (an archive) under the audit key: both checkpoints and the chain between them.
  virtual AuditVerification verifyAuditSegment(const AuditSegment& segment) = 0;
  // Up to `limit` entries with seq > `afterSeq`, oldest first (paging and `audit tail --follow`).
  virtual std::vector<AuditEntry> auditAfter(std::uint64_t afterSeq, std::size_t limit) = 0;

  // Current schema version (for diagnostics and tests).
  virtual int schemaVersion() = 0;

  // --- Operations (issue 13 item 4).
  // A consistent copy of the whole store while it is in use, in a new file of mode 0600 (refused
  // when `file` exists). The copy opens with the same KEK and its audit chain verifies. A database
  // server's store refuses, naming the database's own tool.
  virtual void backup(const std::filesystem::path& file) = 0;
  // Re-seals every secret under `next` and re-chains the audit log with its audit key, in one
  // transaction: a failure or a crash part way leaves the store as it was, under the current KEK.
  // Refused when the audit chain does not verify. Reopen the store with `next` afterwards.
  virtual void rotateKeyEncryptionKey(const KeyEncryptionKey& next, AuditEntry rotation) = 0;
};

}  // namespace rspf::store
