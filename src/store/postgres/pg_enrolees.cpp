// PostgresStore: Enrolees and their bootstrap identities. Kpm is sealed under kpmSealingName.
#include "store/enrolee_row.hpp"
#include "store/policy_json.hpp"
#include "store/postgres/pg_values.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sealing.hpp"

namespace rspf::store {
namespace {

using postgres::exec;
using postgres::Session;
using postgres::Statement;
using postgres::storableText;

#define RSPF_SELECT_ENROLEE "SELECT enrolee_id, kpm_id, kpm_sealed, enabled, policy_json, created_at FROM enrolees "
constexpr Statement kSelectEnroleeById{"enrolee_by_id", RSPF_SELECT_ENROLEE "WHERE enrolee_id = $1"};
constexpr Statement kSelectEnroleeByKpmId{"enrolee_by_kpm_id", RSPF_SELECT_ENROLEE "WHERE kpm_id = $1"};
constexpr Statement kSelectEnrolees{"enrolees_all", RSPF_SELECT_ENROLEE "ORDER BY enrolee_id"};
#undef RSPF_SELECT_ENROLEE
constexpr Statement kSelectEnroleeStatus{"enrolee_status",
                                         "SELECT enrolee_id, enabled, policy_json FROM enrolees WHERE enrolee_id = $1"};
constexpr Statement kEnroleeIdExists{"enrolee_exists", "SELECT 1 FROM enrolees WHERE enrolee_id = $1"};
constexpr Statement kKpmIdExists{"kpm_id_exists", "SELECT 1 FROM enrolees WHERE kpm_id = $1"};
constexpr Statement kInsertEnrolee{"enrolee_insert",
                                   "INSERT INTO enrolees (enrolee_id, kpm_id, kpm_sealed, enabled, policy_json, "
                                   "created_at) VALUES ($1, NULLIF($2, ''), $3, $4, $5, $6)"};
constexpr Statement kInsertEnroleeNoKpm{"enrolee_insert_no_kpm",
                                        "INSERT INTO enrolees (enrolee_id, kpm_id, kpm_sealed, enabled, policy_json, "
                                        "created_at) VALUES ($1, NULLIF($2, ''), NULL, $3, $4, $5)"};
constexpr Statement kSetEnabled{"enrolee_set_enabled", "UPDATE enrolees SET enabled = $2 WHERE enrolee_id = $1"};
constexpr Statement kSetPolicy{"enrolee_set_policy", "UPDATE enrolees SET policy_json = $2 WHERE enrolee_id = $1"};
constexpr Statement kSelectPolicyForUpdate{"enrolee_policy_for_update",
                                           "SELECT policy_json FROM enrolees WHERE enrolee_id = $1 FOR UPDATE"};
constexpr Statement kDeleteEnrolee{"enrolee_delete", "DELETE FROM enrolees WHERE enrolee_id = $1"};

#define RSPF_SELECT_IDENTITY "SELECT kind, value, enrolee_id, trust_anchor, created_at FROM bootstrap_identities "
constexpr Statement kSelectIdentity{"identity_select", RSPF_SELECT_IDENTITY "WHERE kind = $1 AND value = $2"};
constexpr Statement kSelectIdentitiesOf{"identities_of",
                                        RSPF_SELECT_IDENTITY "WHERE enrolee_id = $1 ORDER BY kind, value"};
#undef RSPF_SELECT_IDENTITY
constexpr Statement kIdentityExists{"identity_exists",
                                    "SELECT 1 FROM bootstrap_identities WHERE kind = $1 AND value = $2"};
constexpr Statement kInsertIdentity{"identity_insert",
                                    "INSERT INTO bootstrap_identities (kind, value, enrolee_id, trust_anchor, "
                                    "created_at) VALUES ($1, $2, $3, $4, $5)"};
constexpr Statement kDeleteIdentity{"identity_delete",
                                    "DELETE FROM bootstrap_identities WHERE kind = $1 AND value = $2"};

BootstrapIdentity readIdentity(const pqxx::row& r) {
  return BootstrapIdentity{postgres::text(r[0]), postgres::text(r[1]), postgres::text(r[2]), postgres::text(r[3]),
                           postgres::time(r[4])};
}

}  // namespace

Enrolee PostgresStore::readEnrolee(const pqxx::row& r, PolicyCache& policies) const {
  Enrolee e;
  e.enroleeId = postgres::text(r[0]);
  e.kpmId = postgres::text(r[1]);
  if (!r[2].is_null()) e.kpm = kek_.open(postgres::bytes(r[2]), kpmSealingName(e.enroleeId));
  e.enabled = r[3].as<bool>();
  e.policy = policies.parse(postgres::text(r[4]));
  e.createdAt = postgres::time(r[5]);
  return e;
}

void PostgresStore::addEnrolee(const Enrolee& enrolee) {
  const auto row = enroleeRowOf(kek_, enrolee);
  pool_.run("adding an Enrolee", [&](Session& s) {
    pqxx::work tx(s.connection());
    insertEnrolee(tx, s, enrolee, row);
    tx.commit();
    return 0;
  });
}

std::vector<std::string> PostgresStore::addEnrolees(const std::vector<Enrolee>& batch) {
  const auto rows = enroleeRowsOf(kek_, batch);
  return pool_.run("adding Enrolees", [&](Session& s) {
    std::vector<std::string> refusals(batch.size());  // afresh if the pool runs this again
    pqxx::work tx(s.connection());
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (!rows[i].refusal.empty()) {
        refusals[i] = rows[i].refusal;
        continue;
      }
      // One savepoint per Enrolee: a refusal undoes that Enrolee's rows only. (Not
      // pqxx::subtransaction: in libpqxx 6.4 its abort left the refused Enrolee's rows.)
      tx.exec0("SAVEPOINT enrolee");
      try {
        insertEnrolee(tx, s, batch[i], rows[i]);
      } catch (const Error& e) {
        if (e.code() != ErrorCode::Conflict && e.code() != ErrorCode::BadRequest) throw;  // BadRequest: a NUL in a text
        tx.exec0("ROLLBACK TO SAVEPOINT enrolee");
        refusals[i] = e.what();
      }
      tx.exec0("RELEASE SAVEPOINT enrolee");
    }
    tx.commit();
    return refusals;
  });
}

void PostgresStore::insertEnrolee(pqxx::transaction_base& tx, Session& s, const Enrolee& enrolee,
                                  const EnroleeRow& row) {
  if (!exec(tx, s, kEnroleeIdExists, enrolee.enroleeId).empty())
    throw Error(ErrorCode::Conflict, "Enrolee '" + enrolee.enroleeId + "' already exists");
  if (!enrolee.kpmId.empty() && !exec(tx, s, kKpmIdExists, enrolee.kpmId).empty())
    throw Error(ErrorCode::Conflict, "KpmId '" + enrolee.kpmId + "' is already registered");
  if (row.kpmSealed.empty())
    exec(tx, s, kInsertEnroleeNoKpm, enrolee.enroleeId, enrolee.kpmId, enrolee.enabled, row.policyJson,
         enrolee.createdAt);
  else
    exec(tx, s, kInsertEnrolee, enrolee.enroleeId, enrolee.kpmId, row.kpmSealed, enrolee.enabled, row.policyJson,
         enrolee.createdAt);
  for (const auto& identity : enrolee.bootstrapIdentities) insertBootstrapIdentity(tx, s, identity);
}

std::optional<Enrolee> PostgresStore::findEnroleeWhere(const Statement& statement, std::string_view value) {
  if (!storableText(value)) return std::nullopt;
  return pool_.run("looking up an Enrolee", [&](Session& s) -> std::optional<Enrolee> {
    pqxx::nontransaction tx(s.connection());
    auto r = exec(tx, s, statement, value);
    if (r.empty()) return std::nullopt;
    return readEnrolee(r[0], s.policies());
  });
}

std::optional<Enrolee> PostgresStore::findEnrolee(std::string_view enroleeId) {
  return findEnroleeWhere(kSelectEnroleeById, enroleeId);
}

std::optional<Enrolee> PostgresStore::findEnroleeByKpmId(std::string_view kpmId) {
  if (kpmId.empty()) return std::nullopt;
  return findEnroleeWhere(kSelectEnroleeByKpmId, kpmId);
}

std::optional<EnroleeStatus> PostgresStore::findEnroleeStatus(std::string_view enroleeId) {
  if (!storableText(enroleeId)) return std::nullopt;
  return pool_.run("looking up an Enrolee", [&](Session& s) -> std::optional<EnroleeStatus> {
    pqxx::nontransaction tx(s.connection());
    auto r = exec(tx, s, kSelectEnroleeStatus, enroleeId);
    if (r.empty()) return std::nullopt;
    return EnroleeStatus{postgres::text(r[0][0]), r[0][1].as<bool>(), s.policies().parse(postgres::text(r[0][2]))};
  });
}

std::vector<Enrolee> PostgresStore::listEnrolees() {
  return pool_.run("listing Enrolees", [&](Session& s) {
    pqxx::nontransaction tx(s.connection());
    std::vector<Enrolee> out;
    for (const auto& row : exec(tx, s, kSelectEnrolees)) out.push_back(readEnrolee(row, s.policies()));
    return out;
  });
}

bool PostgresStore::setEnroleeEnabled(std::string_view enroleeId, bool enabled) {
  if (!storableText(enroleeId)) return false;
  return pool_.run("enabling or disabling an Enrolee", [&](Session& s) {
    pqxx::work tx(s.connection());
    auto r = exec(tx, s, kSetEnabled, enroleeId, enabled);
    tx.commit();
    return r.affected_rows() > 0;
  });
}

bool PostgresStore::setEnroleePolicy(std::string_view enroleeId, const EnrolmentPolicy& policy) {
  if (!storableText(enroleeId)) return false;
  const std::string policyJson = policyToJson(policy);
  return pool_.run("changing an Enrolee's policy", [&](Session& s) {
    pqxx::work tx(s.connection());
    auto r = exec(tx, s, kSetPolicy, enroleeId, policyJson);
    tx.commit();
    return r.affected_rows() > 0;
  });
}

std::optional<EnrolmentPolicy> PostgresStore::updateEnroleePolicy(std::string_view enroleeId,
                                                                  const std::function<void(EnrolmentPolicy&)>& change) {
  if (!storableText(enroleeId)) return std::nullopt;
  // SELECT ... FOR UPDATE holds the row until commit: a concurrent change, from any instance, waits
  // and then reads this one's result. A throwing `change` aborts the transaction (nothing written);
  // a retry after a lost connection reads the row afresh.
  return pool_.run("changing an Enrolee's policy", [&](Session& s) -> std::optional<EnrolmentPolicy> {
    pqxx::work tx(s.connection());
    auto r = exec(tx, s, kSelectPolicyForUpdate, enroleeId);
    if (r.empty()) return std::nullopt;
    EnrolmentPolicy policy = policyFromJson(postgres::text(r[0][0]));
    change(policy);
    exec(tx, s, kSetPolicy, enroleeId, policyToJson(policy));
    tx.commit();
    return policy;
  });
}

bool PostgresStore::removeEnrolee(std::string_view enroleeId) {
  if (!storableText(enroleeId)) return false;
  return pool_.run("removing an Enrolee", [&](Session& s) {
    pqxx::work tx(s.connection());
    // Its keys and bootstrap identities go with it (ON DELETE CASCADE).
    auto r = exec(tx, s, kDeleteEnrolee, enroleeId);
    tx.commit();
    return r.affected_rows() > 0;
  });
}

// --- Bootstrap identities.

void PostgresStore::insertBootstrapIdentity(pqxx::transaction_base& tx, Session& s, const BootstrapIdentity& identity) {
  if (!exec(tx, s, kIdentityExists, identity.kind, identity.value).empty())
    throw Error(ErrorCode::Conflict,
                "the " + identity.kind + " identity '" + identity.value + "' is already registered");
  exec(tx, s, kInsertIdentity, identity.kind, identity.value, identity.enroleeId, identity.trustAnchorPem,
       identity.createdAt);
}

void PostgresStore::addBootstrapIdentity(const BootstrapIdentity& identity) {
  pool_.run("adding a bootstrap identity", [&](Session& s) {
    pqxx::work tx(s.connection());
    if (exec(tx, s, kEnroleeIdExists, identity.enroleeId).empty())
      throw Error(ErrorCode::NotFound, "no Enrolee '" + identity.enroleeId + "'");
    insertBootstrapIdentity(tx, s, identity);
    tx.commit();
    return 0;
  });
}

std::optional<BootstrapIdentity> PostgresStore::findBootstrapIdentity(std::string_view kind, std::string_view value) {
  if (!storableText(kind) || !storableText(value)) return std::nullopt;
  return pool_.run("looking up a bootstrap identity", [&](Session& s) -> std::optional<BootstrapIdentity> {
    pqxx::nontransaction tx(s.connection());
    auto r = exec(tx, s, kSelectIdentity, kind, value);
    if (r.empty()) return std::nullopt;
    return readIdentity(r[0]);
  });
}

std::vector<BootstrapIdentity> PostgresStore::listBootstrapIdentities(std::string_view enroleeId) {
  if (!storableText(enroleeId)) return {};
  return pool_.run("listing bootstrap identities", [&](Session& s) {
    pqxx::nontransaction tx(s.connection());
    std::vector<BootstrapIdentity> out;
    for (const auto& row : exec(tx, s, kSelectIdentitiesOf, enroleeId)) out.push_back(readIdentity(row));
    return out;
  });
}

bool PostgresStore::removeBootstrapIdentity(std::string_view kind, std::string_view value) {
  if (!storableText(kind) || !storableText(value)) return false;
  return pool_.run("removing a bootstrap identity", [&](Session& s) {
    pqxx::work tx(s.connection());
    auto r = exec(tx, s, kDeleteIdentity, kind, value);
    tx.commit();
    return r.affected_rows() > 0;
  });
}

}  // namespace rspf::store
