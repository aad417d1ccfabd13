// SqliteStore: Enrolees. Kpm is sealed with associated data "enrolees/kpm/<enrolee_id>".
#include "common/error.hpp"
#include "store/sqlite/policy_json.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace rspf::store {
namespace {

constexpr const char* kSelectEnrolee =
    "SELECT enrolee_id, kpm_id, kpm_sealed, enabled, policy_json, created_at FROM enrolees ";

std::string kpmWhere(std::string_view enroleeId) {
  return "enrolees/kpm/" + std::string(enroleeId);
}

}  // namespace

Enrolee SqliteStore::readEnrolee(const sqlite::Statement& row) const {
  Enrolee e;
  e.enroleeId = row.text(0);
  e.kpmId = row.text(1);
  if (!row.isNull(2)) e.kpm = kek_.open(row.blob(2), kpmWhere(e.enroleeId));
  e.enabled = row.integer(3) != 0;
  e.policy = sqlite::policyFromJson(row.text(4));
  e.createdAt = fromUnix(row.integer(5));
  return e;
}

void SqliteStore::addEnrolee(const Enrolee& enrolee) {
  std::lock_guard lock(mutex_);
  sqlite3* db = db_.get();
  sqlite::WriteTransaction tx(db);
  if (sqlite::Statement(db, "SELECT 1 FROM enrolees WHERE enrolee_id = ?1")
          .bindText(1, enrolee.enroleeId)
          .step())
    throw Error(ErrorCode::Conflict, "Enrolee '" + enrolee.enroleeId + "' already exists");
  if (!enrolee.kpmId.empty() && sqlite::Statement(db, "SELECT 1 FROM enrolees WHERE kpm_id = ?1")
                                    .bindText(1, enrolee.kpmId)
                                    .step())
    throw Error(ErrorCode::Conflict, "KpmId '" + enrolee.kpmId + "' is already registered");
  crypto::Bytes kpmSealed;
  if (!enrolee.kpm.empty()) kpmSealed = kek_.seal(enrolee.kpm.view(), kpmWhere(enrolee.enroleeId));
  sqlite::Statement(db,
                    "INSERT INTO enrolees (enrolee_id, kpm_id, kpm_sealed, enabled, policy_json, "
                    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
      .bindText(1, enrolee.enroleeId)
      .bindTextOrNull(2, enrolee.kpmId)
      .bindBlobOrNull(3, kpmSealed)
      .bindInt(4, enrolee.enabled ? 1 : 0)
      .bindText(5, sqlite::policyToJson(enrolee.policy))
      .bindInt(6, toUnix(enrolee.createdAt))
      .run();
  tx.commit();
}

std::optional<Enrolee> SqliteStore::findEnrolee(std::string_view enroleeId) {
  std::lock_guard lock(mutex_);
  sqlite::Statement s(db_.get(), std::string(kSelectEnrolee) + "WHERE enrolee_id = ?1");
  s.bindText(1, enroleeId);
  if (!s.step()) return std::nullopt;
  return readEnrolee(s);
}

std::optional<Enrolee> SqliteStore::findEnroleeByKpmId(std::string_view kpmId) {
  if (kpmId.empty()) return std::nullopt;
  std::lock_guard lock(mutex_);
  sqlite::Statement s(db_.get(), std::string(kSelectEnrolee) + "WHERE kpm_id = ?1");
  s.bindText(1, kpmId);
  if (!s.step()) return std::nullopt;
  return readEnrolee(s);
}

std::vector<Enrolee> SqliteStore::listEnrolees() {
  std::lock_guard lock(mutex_);
  sqlite::Statement s(db_.get(), std::string(kSelectEnrolee) + "ORDER BY enrolee_id");
  std::vector<Enrolee> out;
  while (s.step()) out.push_back(readEnrolee(s));
  return out;
}

bool SqliteStore::setEnroleeEnabled(std::string_view enroleeId, bool enabled) {
  std::lock_guard lock(mutex_);
  sqlite::Statement(db_.get(), "UPDATE enrolees SET enabled = ?2 WHERE enrolee_id = ?1")
      .bindText(1, enroleeId)
      .bindInt(2, enabled ? 1 : 0)
      .run();
  return sqlite3_changes(db_.get()) > 0;
}

bool SqliteStore::setEnroleePolicy(std::string_view enroleeId, const EnrolmentPolicy& policy) {
  std::lock_guard lock(mutex_);
  sqlite::Statement(db_.get(), "UPDATE enrolees SET policy_json = ?2 WHERE enrolee_id = ?1")
      .bindText(1, enroleeId)
      .bindText(2, sqlite::policyToJson(policy))
      .run();
  return sqlite3_changes(db_.get()) > 0;
}

bool SqliteStore::removeEnrolee(std::string_view enroleeId) {
  std::lock_guard lock(mutex_);
  // Its Enrolment Key goes with it (ON DELETE CASCADE).
  sqlite::Statement(db_.get(), "DELETE FROM enrolees WHERE enrolee_id = ?1")
      .bindText(1, enroleeId)
      .run();
  return sqlite3_changes(db_.get()) > 0;
}

}  // namespace rspf::store
