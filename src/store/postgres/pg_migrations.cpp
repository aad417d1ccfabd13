#include "store/postgres/pg_migrations.hpp"

#include <array>
#include <string>

#include "common/error.hpp"

namespace rspf::store::postgres {
namespace {

struct Migration {
  int version;
  const char* sql;
};

constexpr std::array kMigrations{
    Migration{1, R"sql(
CREATE TABLE meta (
  name  TEXT PRIMARY KEY,
  value BYTEA NOT NULL
);
CREATE TABLE enrolees (
  enrolee_id  TEXT PRIMARY KEY,
  kpm_id      TEXT UNIQUE,
  kpm_sealed  BYTEA,
  enabled     BOOLEAN NOT NULL,
  policy_json TEXT NOT NULL,
  created_at  BIGINT NOT NULL
);
CREATE TABLE enrolment_keys (
  relative_ke_id TEXT PRIMARY KEY,
  enrolee_id     TEXT NOT NULL UNIQUE REFERENCES enrolees(enrolee_id) ON DELETE CASCADE,
  ke_sealed      BYTEA NOT NULL,
  kre_id         TEXT NOT NULL UNIQUE,
  kre_sealed     BYTEA NOT NULL,
  framework      TEXT NOT NULL,
  key_profile    TEXT NOT NULL,
  created_at     BIGINT NOT NULL,
  expiry         BIGINT NOT NULL,
  token_id       TEXT NOT NULL DEFAULT '',
  token_aux      TEXT NOT NULL DEFAULT ''
);
CREATE TABLE targets (
  target_id  TEXT PRIMARY KEY,
  type       TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE tokens (
  token_id         TEXT PRIMARY KEY,
  token_hash       BYTEA NOT NULL UNIQUE,
  bound_enrolee_id TEXT NOT NULL DEFAULT '',
  aux_info         TEXT NOT NULL DEFAULT '',
  created_at       BIGINT NOT NULL,
  expires_at       BIGINT,
  used_at          BIGINT,
  used_by          TEXT NOT NULL DEFAULT '',
  revoked          BOOLEAN NOT NULL DEFAULT FALSE
);
)sql"},
    Migration{2, R"sql(
ALTER TABLE enrolment_keys ADD COLUMN completed_steps TEXT NOT NULL DEFAULT '[]';
CREATE INDEX enrolment_keys_by_expiry ON enrolment_keys(expiry);
)sql"},
    Migration{3, R"sql(
CREATE TABLE certificate_authorities (
  label       TEXT PRIMARY KEY,
  certificate BYTEA NOT NULL,
  sealed_key  BYTEA NOT NULL,
  created_at  BIGINT NOT NULL
);
CREATE TABLE issued_certificates (
  serial      TEXT PRIMARY KEY,
  ca_label    TEXT NOT NULL,
  enrolee_id  TEXT NOT NULL,
  subject     TEXT NOT NULL,
  not_before  BIGINT NOT NULL,
  not_after   BIGINT NOT NULL,
  issued_at   BIGINT NOT NULL,
  certificate BYTEA NOT NULL
);
CREATE INDEX issued_certificates_by_enrolee ON issued_certificates(enrolee_id);
)sql"},
    Migration{4, R"sql(
CREATE TABLE pending_certificate_requests (
  enrolee_id        TEXT PRIMARY KEY,
  ca_label          TEXT NOT NULL,
  public_key_sha256 TEXT NOT NULL,
  csr               BYTEA NOT NULL,
  created_at        BIGINT NOT NULL,
  approved          BOOLEAN NOT NULL DEFAULT FALSE
);
)sql"},
    Migration{5, R"sql(
CREATE TABLE bootstrap_identities (
  kind         TEXT NOT NULL,
  value        TEXT NOT NULL,
  enrolee_id   TEXT NOT NULL REFERENCES enrolees(enrolee_id) ON DELETE CASCADE,
  trust_anchor TEXT NOT NULL DEFAULT '',
  created_at   BIGINT NOT NULL,
  PRIMARY KEY (kind, value)
);
CREATE INDEX bootstrap_identities_by_enrolee ON bootstrap_identities(enrolee_id);
ALTER TABLE issued_certificates ADD COLUMN revoked_at BIGINT;
ALTER TABLE issued_certificates ADD COLUMN revocation_reason TEXT NOT NULL DEFAULT '';
)sql"},
    Migration{6, R"sql(
CREATE TABLE audit_log (
  seq     BIGINT PRIMARY KEY,
  at      BIGINT NOT NULL,
  actor   TEXT NOT NULL,
  action  TEXT NOT NULL,
  subject TEXT NOT NULL,
  outcome TEXT NOT NULL,
  detail  TEXT NOT NULL,
  mac     BYTEA NOT NULL
);
)sql"},
    Migration{7, R"sql(
CREATE TABLE retired_enrolment_keys (
  relative_ke_id  TEXT PRIMARY KEY,
  enrolee_id      TEXT NOT NULL REFERENCES enrolees(enrolee_id) ON DELETE CASCADE,
  ke_sealed       BYTEA NOT NULL,
  kre_id          TEXT NOT NULL,
  kre_sealed      BYTEA NOT NULL,
  framework       TEXT NOT NULL,
  key_profile     TEXT NOT NULL,
  created_at      BIGINT NOT NULL,
  expiry          BIGINT NOT NULL,
  token_id        TEXT NOT NULL,
  token_aux       TEXT NOT NULL,
  completed_steps TEXT NOT NULL
);
CREATE INDEX retired_enrolment_keys_by_expiry ON retired_enrolment_keys(expiry);
CREATE INDEX retired_enrolment_keys_by_enrolee ON retired_enrolment_keys(enrolee_id);
)sql"},
};

}  // namespace

int currentSchemaVersion() { return kMigrations.back().version; }

int readSchemaVersion(pqxx::transaction_base& tx) {
  auto exists = tx.exec("SELECT to_regclass('rspf_schema') IS NOT NULL");
  if (!exists[0][0].as<bool>()) return 0;
  auto r = tx.exec("SELECT version FROM rspf_schema");
  return r.empty() ? 0 : r[0][0].as<int>();
}

void migrate(pqxx::connection& connection) {
  const int current = currentSchemaVersion();
  pqxx::work tx(connection);
  tx.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLock) + ")");
  int found = readSchemaVersion(tx);
  if (found > current)
    throw Error(ErrorCode::Config, "store schema version " + std::to_string(found) +
                                       " is newer than this rspf supports (" + std::to_string(current) + ")");
  if (found == current) return;  // nothing to do: the transaction rolls back
  if (found == 0)
    tx.exec(
        "CREATE TABLE IF NOT EXISTS rspf_schema (version INTEGER NOT NULL); "
        "INSERT INTO rspf_schema SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM rspf_schema)");
  for (const Migration& m : kMigrations) {
    if (found >= m.version) continue;
    tx.exec(m.sql);
    found = m.version;
  }
  tx.exec("UPDATE rspf_schema SET version = " + std::to_string(found));
  tx.commit();
}

}  // namespace rspf::store::postgres
