#include "store/sqlite/migrations.hpp"

#include <array>
#include <string>

#include "common/error.hpp"
#include "store/sqlite/sqlite_statement.hpp"

namespace rspf::store::sqlite {
namespace {

constexpr std::array kMigrations{
    Migration{1, R"sql(
CREATE TABLE meta (
  name  TEXT PRIMARY KEY,
  value BLOB NOT NULL
);
CREATE TABLE enrolees (
  enrolee_id  TEXT PRIMARY KEY,
  kpm_id      TEXT UNIQUE,
  kpm_sealed  BLOB,
  enabled     INTEGER NOT NULL,
  policy_json TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE TABLE enrolment_keys (
  relative_ke_id TEXT PRIMARY KEY,
  enrolee_id     TEXT NOT NULL UNIQUE REFERENCES enrolees(enrolee_id) ON DELETE CASCADE,
  ke_sealed      BLOB NOT NULL,
  kre_id         TEXT NOT NULL UNIQUE,
  kre_sealed     BLOB NOT NULL,
  framework      TEXT NOT NULL,
  key_profile    TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  expiry         INTEGER NOT NULL,
  token_id       TEXT NOT NULL DEFAULT '',
  token_aux      TEXT NOT NULL DEFAULT ''
);
CREATE TABLE targets (
  target_id  TEXT PRIMARY KEY,
  type       TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE tokens (
  token_id         TEXT PRIMARY KEY,
  token_hash       BLOB NOT NULL UNIQUE,
  bound_enrolee_id TEXT NOT NULL DEFAULT '',
  aux_info         TEXT NOT NULL DEFAULT '',
  created_at       INTEGER NOT NULL,
  expires_at       INTEGER,
  used_at          INTEGER,
  used_by          TEXT NOT NULL DEFAULT '',
  revoked          INTEGER NOT NULL DEFAULT 0
);
)sql"},
    // The follow-up procedures completed with a key ("certificateEnrolment", "mafEnrolment");
    // purging expired keys scans by expiry.
    Migration{2, R"sql(
ALTER TABLE enrolment_keys ADD COLUMN completed_steps TEXT NOT NULL DEFAULT '[]';
CREATE INDEX enrolment_keys_by_expiry ON enrolment_keys(expiry);
)sql"},
    // Certificate Enrolment (seed 8.3.3.3): the embedded CAs and the certificates they issued.
    Migration{3, R"sql(
CREATE TABLE certificate_authorities (
  label       TEXT PRIMARY KEY,
  certificate BLOB NOT NULL,
  sealed_key  BLOB NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE TABLE issued_certificates (
  serial      TEXT PRIMARY KEY,
  ca_label    TEXT NOT NULL,
  enrolee_id  TEXT NOT NULL,
  subject     TEXT NOT NULL,
  not_before  INTEGER NOT NULL,
  not_after   INTEGER NOT NULL,
  issued_at   INTEGER NOT NULL,
  certificate BLOB NOT NULL
);
CREATE INDEX issued_certificates_by_enrolee ON issued_certificates(enrolee_id);
)sql"},
    // Certificate requests held for an administrator's approval (RFC 7030 4.2.3).
    Migration{4, R"sql(
CREATE TABLE pending_certificate_requests (
  enrolee_id        TEXT PRIMARY KEY,
  ca_label          TEXT NOT NULL,
  public_key_sha256 TEXT NOT NULL,
  csr               BLOB NOT NULL,
  created_at        INTEGER NOT NULL,
  approved          INTEGER NOT NULL DEFAULT 0
);
)sql"},
    // Bootstrap identities other than a KpmId (TS-0003 8.1.2.4 registration information; GBA's
    // IMPI), and certificate revocation.
    Migration{5, R"sql(
CREATE TABLE bootstrap_identities (
  kind         TEXT NOT NULL,
  value        TEXT NOT NULL,
  enrolee_id   TEXT NOT NULL REFERENCES enrolees(enrolee_id) ON DELETE CASCADE,
  trust_anchor TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (kind, value)
);
CREATE INDEX bootstrap_identities_by_enrolee ON bootstrap_identities(enrolee_id);
ALTER TABLE issued_certificates ADD COLUMN revoked_at INTEGER;
ALTER TABLE issued_certificates ADD COLUMN revocation_reason TEXT NOT NULL DEFAULT '';
)sql"},
    // The audit log (issue 5 item 7): append-only, each entry's MAC chained to the previous one.
    Migration{6, R"sql(
CREATE TABLE audit_log (
  seq     INTEGER PRIMARY KEY,
  at      INTEGER NOT NULL,
  actor   TEXT NOT NULL,
  action  TEXT NOT NULL,
  subject TEXT NOT NULL,
  outcome TEXT NOT NULL,
  detail  TEXT NOT NULL,
  mac     BLOB NOT NULL
);
)sql"},
    // Enrolment Keys replaced by a newer one, still served until their grace period ends (issue 5
    // item 3: re-authentication rotates Ke; the old KeId stops being served after a grace period).
    Migration{7, R"sql(
CREATE TABLE retired_enrolment_keys (
  relative_ke_id  TEXT PRIMARY KEY,
  enrolee_id      TEXT NOT NULL REFERENCES enrolees(enrolee_id) ON DELETE CASCADE,
  ke_sealed       BLOB NOT NULL,
  kre_id          TEXT NOT NULL,
  kre_sealed      BLOB NOT NULL,
  framework       TEXT NOT NULL,
  key_profile     TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  expiry          INTEGER NOT NULL,
  token_id        TEXT NOT NULL,
  token_aux       TEXT NOT NULL,
  completed_steps TEXT NOT NULL
);
CREATE INDEX retired_enrolment_keys_by_expiry ON retired_enrolment_keys(expiry);
CREATE INDEX retired_enrolment_keys_by_enrolee ON retired_enrolment_keys(enrolee_id);
)sql"},
};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

int currentSchemaVersion() { return kMigrations.back().version; }

int readSchemaVersion(sqlite3* db) {
  Statement s(db, "PRAGMA user_version");
  if (!s.step()) throwStoreError(db, "reading the schema version");
  return static_cast<int>(s.integer(0));
}

void migrate(sqlite3* db) {
  const int current = currentSchemaVersion();
  auto refuseNewer = [current](int found) {
    if (found > current)
      throw Error(ErrorCode::Config, "store schema version " + std::to_string(found) +
                                         " is newer than this rspf supports (" + std::to_string(current) + ")");
  };
  int found = readSchemaVersion(db);
  refuseNewer(found);
  for (const Migration& m : kMigrations) {
    if (found >= m.version) continue;
    WriteTransaction tx(db);
    // Read again under the write lock: another process may have migrated meanwhile.
    found = readSchemaVersion(db);
    refuseNewer(found);
    if (found >= m.version) continue;  // the empty transaction rolls back
    execute(db, m.sql, "migrating the store schema to version " + std::to_string(m.version));
    // PRAGMA takes no bound parameters; the version is a compile-time constant.
    const std::string setVersion = "PRAGMA user_version = " + std::to_string(m.version);
    execute(db, setVersion.c_str(), "recording the store schema version");
    tx.commit();
    found = m.version;
  }
}

}  // namespace rspf::store::sqlite
