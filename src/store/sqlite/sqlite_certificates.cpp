// SqliteStore: Certificate Authorities and issued certificates.
#include "common/error.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace rspf::store {
namespace {

constexpr std::string_view kCaExists = "SELECT 1 FROM certificate_authorities WHERE label = ?1";
constexpr std::string_view kInsertCa =
    "INSERT INTO certificate_authorities (label, certificate, sealed_key, created_at) VALUES (?1, ?2, ?3, ?4)";
constexpr std::string_view kSelectCa =
    "SELECT label, certificate, sealed_key, created_at FROM certificate_authorities WHERE label = ?1";
constexpr std::string_view kInsertIssued =
    "INSERT INTO issued_certificates (serial, ca_label, enrolee_id, subject, not_before, not_after, issued_at, "
    "certificate) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
#define RSPF_SELECT_ISSUED                                                                                    \
  "SELECT serial, ca_label, enrolee_id, subject, not_before, not_after, issued_at, certificate, revoked_at, " \
  "revocation_reason FROM issued_certificates "
constexpr std::string_view kSelectIssued = RSPF_SELECT_ISSUED "WHERE enrolee_id = ?1 ORDER BY issued_at, serial";
constexpr std::string_view kSelectIssuedBySerial = RSPF_SELECT_ISSUED "WHERE serial = ?1";
constexpr std::string_view kSelectRevoked =
    RSPF_SELECT_ISSUED "WHERE ca_label = ?1 AND revoked_at IS NOT NULL ORDER BY revoked_at, serial";
#undef RSPF_SELECT_ISSUED
constexpr std::string_view kRevoke =
    "UPDATE issued_certificates SET revoked_at = ?2, revocation_reason = ?3 WHERE serial = ?1 AND revoked_at IS NULL";

IssuedCertificateRecord readIssued(const sqlite::Statement& s) {
  std::optional<TimePoint> revokedAt;
  if (!s.isNull(8)) revokedAt = fromUnix(s.integer(8));
  return {s.text(0),
          s.text(1),
          s.text(2),
          s.text(3),
          fromUnix(s.integer(4)),
          fromUnix(s.integer(5)),
          fromUnix(s.integer(6)),
          s.blob(7),
          revokedAt,
          s.text(9)};
}

}  // namespace

void SqliteStore::addCertificateAuthority(const CertificateAuthorityRecord& ca) {
  std::lock_guard lock(writerMutex_);
  sqlite::WriteTransaction tx(writer_.get());
  if (writer_.statement(kCaExists).bindText(1, ca.label).step())
    throw Error(ErrorCode::Conflict, "a Certificate Authority labelled '" + ca.label + "' already exists");
  writer_.statement(kInsertCa)
      .bindText(1, ca.label)
      .bindBlob(2, ca.certificateDer)
      .bindBlob(3, ca.sealedPrivateKey)
      .bindInt(4, toUnix(ca.createdAt))
      .run();
  tx.commit();
}

std::optional<CertificateAuthorityRecord> SqliteStore::findCertificateAuthority(std::string_view label) {
  auto read = reader();
  auto s = read->db.statement(kSelectCa);
  s.bindText(1, label);
  if (!s.step()) return std::nullopt;
  return CertificateAuthorityRecord{s.text(0), s.blob(1), s.blob(2), fromUnix(s.integer(3))};
}

void SqliteStore::recordIssuedCertificate(const IssuedCertificateRecord& c) {
  std::lock_guard lock(writerMutex_);
  writer_.statement(kInsertIssued)
      .bindText(1, c.serialHex)
      .bindText(2, c.caLabel)
      .bindText(3, c.enroleeId)
      .bindText(4, c.subject)
      .bindInt(5, toUnix(c.notBefore))
      .bindInt(6, toUnix(c.notAfter))
      .bindInt(7, toUnix(c.issuedAt))
      .bindBlob(8, c.der)
      .run();
}

std::vector<IssuedCertificateRecord> SqliteStore::listIssuedCertificates(std::string_view enroleeId) {
  auto read = reader();
  auto s = read->db.statement(kSelectIssued);
  s.bindText(1, enroleeId);
  std::vector<IssuedCertificateRecord> out;
  while (s.step()) out.push_back(readIssued(s));
  return out;
}

std::optional<IssuedCertificateRecord> SqliteStore::findIssuedCertificate(std::string_view serialHex) {
  auto read = reader();
  auto s = read->db.statement(kSelectIssuedBySerial);
  s.bindText(1, serialHex);
  if (!s.step()) return std::nullopt;
  return readIssued(s);
}

bool SqliteStore::revokeCertificate(std::string_view serialHex, std::string_view reason, TimePoint at) {
  std::lock_guard lock(writerMutex_);
  writer_.statement(kRevoke).bindText(1, serialHex).bindInt(2, toUnix(at)).bindText(3, reason).run();
  return sqlite3_changes(writer_.get()) > 0;
}

std::vector<IssuedCertificateRecord> SqliteStore::listRevokedCertificates(std::string_view caLabel) {
  auto read = reader();
  auto s = read->db.statement(kSelectRevoked);
  s.bindText(1, caLabel);
  std::vector<IssuedCertificateRecord> out;
  while (s.step()) out.push_back(readIssued(s));
  return out;
}

}  // namespace rspf::store

namespace rspf::store {
namespace {

constexpr std::string_view kUpsertPending =
    "INSERT INTO pending_certificate_requests (enrolee_id, ca_label, public_key_sha256, csr, created_at, approved) "
    "VALUES (?1, ?2, ?3, ?4, ?5, 0) ON CONFLICT(enrolee_id) DO UPDATE SET ca_label = excluded.ca_label, "
    "public_key_sha256 = excluded.public_key_sha256, csr = excluded.csr, created_at = excluded.created_at, "
    "approved = 0";
constexpr std::string_view kSelectPending =
    "SELECT enrolee_id, ca_label, public_key_sha256, csr, created_at, approved FROM pending_certificate_requests "
    "WHERE enrolee_id = ?1";
constexpr std::string_view kSelectAllPending =
    "SELECT enrolee_id, ca_label, public_key_sha256, csr, created_at, approved FROM pending_certificate_requests "
    "ORDER BY created_at, enrolee_id";
constexpr std::string_view kApprovePending =
    "UPDATE pending_certificate_requests SET approved = 1 WHERE enrolee_id = ?1";
constexpr std::string_view kDeletePending = "DELETE FROM pending_certificate_requests WHERE enrolee_id = ?1";

PendingCertificateRequest readPending(const sqlite::Statement& s) {
  return {s.text(0), s.text(1), s.text(2), s.blob(3), fromUnix(s.integer(4)), s.integer(5) != 0};
}

}  // namespace

void SqliteStore::holdCertificateRequest(const PendingCertificateRequest& r) {
  std::lock_guard lock(writerMutex_);
  writer_.statement(kUpsertPending)
      .bindText(1, r.enroleeId)
      .bindText(2, r.caLabel)
      .bindText(3, r.publicKeySha256)
      .bindBlob(4, r.csrDer)
      .bindInt(5, toUnix(r.createdAt))
      .run();
}

std::optional<PendingCertificateRequest> SqliteStore::findPendingCertificateRequest(std::string_view enroleeId) {
  auto read = reader();
  auto s = read->db.statement(kSelectPending);
  s.bindText(1, enroleeId);
  if (!s.step()) return std::nullopt;
  return readPending(s);
}

std::vector<PendingCertificateRequest> SqliteStore::listPendingCertificateRequests() {
  auto read = reader();
  auto s = read->db.statement(kSelectAllPending);
  std::vector<PendingCertificateRequest> out;
  while (s.step()) out.push_back(readPending(s));
  return out;
}

bool SqliteStore::approveCertificateRequest(std::string_view enroleeId) {
  std::lock_guard lock(writerMutex_);
  writer_.statement(kApprovePending).bindText(1, enroleeId).run();
  return sqlite3_changes(writer_.get()) > 0;
}

void SqliteStore::removePendingCertificateRequest(std::string_view enroleeId) {
  std::lock_guard lock(writerMutex_);
  writer_.statement(kDeletePending).bindText(1, enroleeId).run();
}

}  // namespace rspf::store
