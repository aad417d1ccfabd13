// PostgresStore: Certificate Authorities, issued certificates and held certificate requests.
#include "store/postgres/pg_values.hpp"
#include "store/postgres/postgres_store.hpp"

namespace rspf::store {
namespace {

using postgres::exec;
using postgres::Session;
using postgres::Statement;
using postgres::storableText;

constexpr Statement kCaExists{"ca_exists", "SELECT 1 FROM certificate_authorities WHERE label = $1"};
constexpr Statement kInsertCa{"ca_insert",
                              "INSERT INTO certificate_authorities (label, certificate, sealed_key, created_at) "
                              "VALUES ($1, $2, $3, $4)"};
constexpr Statement kSelectCa{"ca_select",
                              "SELECT label, certificate, sealed_key, created_at FROM certificate_authorities "
                              "WHERE label = $1"};
constexpr Statement kInsertIssued{"issued_insert",
                                  "INSERT INTO issued_certificates (serial, ca_label, enrolee_id, subject, "
                                  "not_before, not_after, issued_at, certificate) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                                  "$8)"};
#define RSPF_SELECT_ISSUED                                                                                    \
  "SELECT serial, ca_label, enrolee_id, subject, not_before, not_after, issued_at, certificate, revoked_at, " \
  "revocation_reason FROM issued_certificates "
constexpr Statement kSelectIssued{"issued_of_enrolee",
                                  RSPF_SELECT_ISSUED "WHERE enrolee_id = $1 ORDER BY issued_at, serial"};
constexpr Statement kSelectIssuedBySerial{"issued_by_serial", RSPF_SELECT_ISSUED "WHERE serial = $1"};
constexpr Statement kSelectRevoked{
    "issued_revoked", RSPF_SELECT_ISSUED "WHERE ca_label = $1 AND revoked_at IS NOT NULL ORDER BY revoked_at, serial"};
#undef RSPF_SELECT_ISSUED
constexpr Statement kRevoke{"issued_revoke",
                            "UPDATE issued_certificates SET revoked_at = $2, revocation_reason = $3 "
                            "WHERE serial = $1 AND revoked_at IS NULL"};

constexpr Statement kUpsertPending{
    "pending_upsert",
    "INSERT INTO pending_certificate_requests (enrolee_id, ca_label, public_key_sha256, csr, created_at, approved) "
    "VALUES ($1, $2, $3, $4, $5, FALSE) ON CONFLICT (enrolee_id) DO UPDATE SET ca_label = excluded.ca_label, "
    "public_key_sha256 = excluded.public_key_sha256, csr = excluded.csr, created_at = excluded.created_at, "
    "approved = FALSE"};
#define RSPF_SELECT_PENDING \
  "SELECT enrolee_id, ca_label, public_key_sha256, csr, created_at, approved FROM pending_certificate_requests "
constexpr Statement kSelectPending{"pending_select", RSPF_SELECT_PENDING "WHERE enrolee_id = $1"};
constexpr Statement kSelectAllPending{"pending_all", RSPF_SELECT_PENDING "ORDER BY created_at, enrolee_id"};
#undef RSPF_SELECT_PENDING
constexpr Statement kApprovePending{"pending_approve",
                                    "UPDATE pending_certificate_requests SET approved = TRUE WHERE enrolee_id = $1"};
constexpr Statement kDeletePending{"pending_delete", "DELETE FROM pending_certificate_requests WHERE enrolee_id = $1"};

IssuedCertificateRecord readIssued(const pqxx::row& r) {
  return {postgres::text(r[0]),         postgres::text(r[1]), postgres::text(r[2]), postgres::text(r[3]),
          postgres::time(r[4]),         postgres::time(r[5]), postgres::time(r[6]), postgres::bytes(r[7]),
          postgres::optionalTime(r[8]), postgres::text(r[9])};
}

PendingCertificateRequest readPending(const pqxx::row& r) {
  return {postgres::text(r[0]),  postgres::text(r[1]), postgres::text(r[2]),
          postgres::bytes(r[3]), postgres::time(r[4]), r[5].as<bool>()};
}

template <typename Row, typename Read>
std::vector<Row> readAll(const pqxx::result& result, Read read) {
  std::vector<Row> out;
  for (const auto& row : result) out.push_back(read(row));
  return out;
}

}  // namespace

void PostgresStore::addCertificateAuthority(const CertificateAuthorityRecord& ca) {
  pool_.run("adding a Certificate Authority", [&](Session& s) {
    pqxx::work tx(s.connection());
    if (!exec(tx, s, kCaExists, ca.label).empty())
      throw Error(ErrorCode::Conflict, "a Certificate Authority labelled '" + ca.label + "' already exists");
    exec(tx, s, kInsertCa, ca.label, ca.certificateDer, ca.sealedPrivateKey, ca.createdAt);
    tx.commit();
    return 0;
  });
}

std::optional<CertificateAuthorityRecord> PostgresStore::findCertificateAuthority(std::string_view label) {
  if (!storableText(label)) return std::nullopt;
  return pool_.run("looking up a Certificate Authority", [&](Session& s) -> std::optional<CertificateAuthorityRecord> {
    pqxx::nontransaction tx(s.connection());
    auto r = exec(tx, s, kSelectCa, label);
    if (r.empty()) return std::nullopt;
    return CertificateAuthorityRecord{postgres::text(r[0][0]), postgres::bytes(r[0][1]), postgres::bytes(r[0][2]),
                                      postgres::time(r[0][3])};
  });
}

void PostgresStore::recordIssuedCertificate(const IssuedCertificateRecord& c) {
  pool_.run("recording an issued certificate", [&](Session& s) {
    pqxx::work tx(s.connection());
    exec(tx, s, kInsertIssued, c.serialHex, c.caLabel, c.enroleeId, c.subject, c.notBefore, c.notAfter, c.issuedAt,
         c.der);
    tx.commit();
    return 0;
  });
}

std::vector<IssuedCertificateRecord> PostgresStore::listIssuedCertificates(std::string_view enroleeId) {
  if (!storableText(enroleeId)) return {};
  return pool_.run("listing issued certificates", [&](Session& s) {
    pqxx::nontransaction tx(s.connection());
    return readAll<IssuedCertificateRecord>(exec(tx, s, kSelectIssued, enroleeId), readIssued);
  });
}

std::optional<IssuedCertificateRecord> PostgresStore::findIssuedCertificate(std::string_view serialHex) {
  if (!storableText(serialHex)) return std::nullopt;
  return pool_.run("looking up an issued certificate", [&](Session& s) -> std::optional<IssuedCertificateRecord> {
    pqxx::nontransaction tx(s.connection());
    auto r = exec(tx, s, kSelectIssuedBySerial, serialHex);
    if (r.empty()) return std::nullopt;
    return readIssued(r[0]);
  });
}

bool PostgresStore::revokeCertificate(std::string_view serialHex, std::string_view reason, TimePoint at) {
  if (!storableText(serialHex)) return false;
  return pool_.run("revoking a certificate", [&](Session& s) {
    pqxx::work tx(s.connection());
    auto r = exec(tx, s, kRevoke, serialHex, at, reason);
    tx.commit();
    return r.affected_rows() > 0;
  });
}

std::vector<IssuedCertificateRecord> PostgresStore::listRevokedCertificates(std::string_view caLabel) {
  if (!storableText(caLabel)) return {};
  return pool_.run("listing revoked certificates", [&](Session& s) {
    pqxx::nontransaction tx(s.connection());
    return readAll<IssuedCertificateRecord>(exec(tx, s, kSelectRevoked, caLabel), readIssued);
  });
}

void PostgresStore::holdCertificateRequest(const PendingCertificateRequest& r) {
  pool_.run("holding a certificate request", [&](Session& s) {
    pqxx::work tx(s.connection());
    exec(tx, s, kUpsertPending, r.enroleeId, r.caLabel, r.publicKeySha256, r.csrDer, r.createdAt);
    tx.commit();
    return 0;
  });
}

std::optional<PendingCertificateRequest> PostgresStore::findPendingCertificateRequest(std::string_view enroleeId) {
  if (!storableText(enroleeId)) return std::nullopt;
  return pool_.run("looking up a held certificate request",
                   [&](Session& s) -> std::optional<PendingCertificateRequest> {
                     pqxx::nontransaction tx(s.connection());
                     auto r = exec(tx, s, kSelectPending, enroleeId);
                     if (r.empty()) return std::nullopt;
                     return readPending(r[0]);
                   });
}

std::vector<PendingCertificateRequest> PostgresStore::listPendingCertificateRequests() {
  return pool_.run("listing held certificate requests", [&](Session& s) {
    pqxx::nontransaction tx(s.connection());
    return readAll<PendingCertificateRequest>(exec(tx, s, kSelectAllPending), readPending);
  });
}

bool PostgresStore::approveCertificateRequest(std::string_view enroleeId) {
  if (!storableText(enroleeId)) return false;
  return pool_.run("approving a certificate request", [&](Session& s) {
    pqxx::work tx(s.connection());
    auto r = exec(tx, s, kApprovePending, enroleeId);
    tx.commit();
    return r.affected_rows() > 0;
  });
}

void PostgresStore::removePendingCertificateRequest(std::string_view enroleeId) {
  if (!storableText(enroleeId)) return;
  pool_.run("removing a held certificate request", [&](Session& s) {
    pqxx::work tx(s.connection());
    exec(tx, s, kDeletePending, enroleeId);
    tx.commit();
    return 0;
  });
}

}  // namespace rspf::store
