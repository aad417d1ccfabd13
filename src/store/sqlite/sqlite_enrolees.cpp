// SqliteStore: Enrolees. Kpm is sealed under kpmSealingName (store/sealing.hpp).
#include "common/error.hpp"
#include "store/enrolee_row.hpp"
#include "store/policy_json.hpp"
#include "store/sealing.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace rspf::store {
namespace {

#define RSPF_SELECT_ENROLEE "SELECT enrolee_id, kpm_id, kpm_sealed, enabled, policy_json, created_at FROM enrolees "
constexpr std::string_view kSelectEnroleeById = RSPF_SELECT_ENROLEE "WHERE enrolee_id = ?1";
constexpr std::string_view kSelectEnroleeByKpmId = RSPF_SELECT_ENROLEE "WHERE kpm_id = ?1";
constexpr std::string_view kSelectEnrolees = RSPF_SELECT_ENROLEE "ORDER BY enrolee_id";
#undef RSPF_SELECT_ENROLEE
// Without kpm_sealed: nothing to unseal.
constexpr std::string_view kSelectEnroleeStatus =
    "SELECT enrolee_id, enabled, policy_json FROM enrolees WHERE enrolee_id = ?1";
constexpr std::string_view kEnroleeIdExists = "SELECT 1 FROM enrolees WHERE enrolee_id = ?1";
constexpr std::string_view kKpmIdExists = "SELECT 1 FROM enrolees WHERE kpm_id = ?1";
constexpr std::string_view kInsertEnrolee =
    "INSERT INTO enrolees (enrolee_id, kpm_id, kpm_sealed, enabled, policy_json, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr std::string_view kSetEnabled = "UPDATE enrolees SET enabled = ?2 WHERE enrolee_id = ?1";
constexpr std::string_view kSelectPolicy = "SELECT policy_json FROM enrolees WHERE enrolee_id = ?1";
constexpr std::string_view kSetPolicy = "UPDATE enrolees SET policy_json = ?2 WHERE enrolee_id = ?1";
constexpr std::string_view kDeleteEnrolee = "DELETE FROM enrolees WHERE enrolee_id = ?1";
constexpr std::string_view kSavepoint = "SAVEPOINT enrolee";
constexpr std::string_view kRollbackToSavepoint = "ROLLBACK TO enrolee";
constexpr std::string_view kReleaseSavepoint = "RELEASE enrolee";

}  // namespace

Enrolee SqliteStore::readEnrolee(const sqlite::Statement& row, PolicyCache& policies) const {
  Enrolee e;
  e.enroleeId = row.text(0);
  e.kpmId = row.text(1);
  if (!row.isNull(2)) e.kpm = kek_.open(row.blob(2), kpmSealingName(e.enroleeId));
  e.enabled = row.integer(3) != 0;
  e.policy = policies.parse(row.text(4));
  e.createdAt = fromUnix(row.integer(5));
  return e;
}

void SqliteStore::addEnrolee(const Enrolee& enrolee) {
  const auto row = enroleeRowOf(kek_, enrolee);  // sealed before the writer is taken
  std::lock_guard lock(writerMutex_);
  sqlite::WriteTransaction tx(writer_.get());
  insertEnrolee(enrolee, row);
  tx.commit();
}

std::vector<std::string> SqliteStore::addEnrolees(const std::vector<Enrolee>& batch) {
  const auto rows = enroleeRowsOf(kek_, batch);
  std::vector<std::string> refusals(batch.size());
  std::lock_guard lock(writerMutex_);
  sqlite::WriteTransaction tx(writer_.get());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!rows[i].refusal.empty()) {
      refusals[i] = rows[i].refusal;
      continue;
    }
    // One savepoint per Enrolee: a refusal undoes that Enrolee's rows only.
    writer_.statement(kSavepoint).run();
    try {
      insertEnrolee(batch[i], rows[i]);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::Conflict && e.code() != ErrorCode::BadRequest) throw;
      writer_.statement(kRollbackToSavepoint).run();
      refusals[i] = e.what();
    }
    writer_.statement(kReleaseSavepoint).run();
  }
  tx.commit();
  return refusals;
}

void SqliteStore::insertEnrolee(const Enrolee& enrolee, const EnroleeRow& row) {
  if (writer_.statement(kEnroleeIdExists).bindText(1, enrolee.enroleeId).step())
    throw Error(ErrorCode::Conflict, "Enrolee '" + enrolee.enroleeId + "' already exists");
  if (!enrolee.kpmId.empty() && writer_.statement(kKpmIdExists).bindText(1, enrolee.kpmId).step())
    throw Error(ErrorCode::Conflict, "KpmId '" + enrolee.kpmId + "' is already registered");
  writer_.statement(kInsertEnrolee)
      .bindText(1, enrolee.enroleeId)
      .bindTextOrNull(2, enrolee.kpmId)
      .bindBlobOrNull(3, row.kpmSealed)
      .bindInt(4, enrolee.enabled ? 1 : 0)
      .bindText(5, row.policyJson)
      .bindInt(6, toUnix(enrolee.createdAt))
      .run();
  for (const auto& identity : enrolee.bootstrapIdentities) insertBootstrapIdentity(identity);
}

std::optional<Enrolee> SqliteStore::findEnroleeWhere(std::string_view sql, std::string_view value) {
  auto read = reader();
  auto s = read->db.statement(sql);
  s.bindText(1, value);
  if (!s.step()) return std::nullopt;
  return readEnrolee(s, read->policies);
}

std::optional<Enrolee> SqliteStore::findEnrolee(std::string_view enroleeId) {
  return findEnroleeWhere(kSelectEnroleeById, enroleeId);
}

std::optional<Enrolee> SqliteStore::findEnroleeByKpmId(std::string_view kpmId) {
  if (kpmId.empty()) return std::nullopt;
  return findEnroleeWhere(kSelectEnroleeByKpmId, kpmId);
}

std::optional<EnroleeStatus> SqliteStore::findEnroleeStatus(std::string_view enroleeId) {
  auto read = reader();
  auto s = read->db.statement(kSelectEnroleeStatus);
  s.bindText(1, enroleeId);
  if (!s.step()) return std::nullopt;
  return EnroleeStatus{s.text(0), s.integer(1) != 0, read->policies.parse(s.text(2))};
}

std::vector<Enrolee> SqliteStore::listEnrolees() {
  auto read = reader();
  auto s = read->db.statement(kSelectEnrolees);
  std::vector<Enrolee> out;
  while (s.step()) out.push_back(readEnrolee(s, read->policies));
  return out;
}

bool SqliteStore::setEnroleeEnabled(std::string_view enroleeId, bool enabled) {
  std::lock_guard lock(writerMutex_);
  writer_.statement(kSetEnabled).bindText(1, enroleeId).bindInt(2, enabled ? 1 : 0).run();
  return sqlite3_changes(writer_.get()) > 0;
}

bool SqliteStore::setEnroleePolicy(std::string_view enroleeId, const EnrolmentPolicy& policy) {
  const std::string policyJson = policyToJson(policy);
  std::lock_guard lock(writerMutex_);
  writer_.statement(kSetPolicy).bindText(1, enroleeId).bindText(2, policyJson).run();
  return sqlite3_changes(writer_.get()) > 0;
}

std::optional<EnrolmentPolicy> SqliteStore::updateEnroleePolicy(std::string_view enroleeId,
                                                                const std::function<void(EnrolmentPolicy&)>& change) {
  std::lock_guard lock(writerMutex_);
  sqlite::WriteTransaction tx(writer_.get());  // BEGIN IMMEDIATE: the database's write lock, until commit
  auto read = writer_.statement(kSelectPolicy);
  read.bindText(1, enroleeId);
  if (!read.step()) return std::nullopt;
  EnrolmentPolicy policy = policyFromJson(read.text(0));
  change(policy);  // a throw rolls back (~WriteTransaction)
  writer_.statement(kSetPolicy).bindText(1, enroleeId).bindText(2, policyToJson(policy)).run();
  tx.commit();
  return policy;
}

bool SqliteStore::removeEnrolee(std::string_view enroleeId) {
  std::lock_guard lock(writerMutex_);
  // Its Enrolment Key goes with it (ON DELETE CASCADE).
  writer_.statement(kDeleteEnrolee).bindText(1, enroleeId).run();
  return sqlite3_changes(writer_.get()) > 0;
}

}  // namespace rspf::store
