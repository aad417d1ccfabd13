// SqliteStore: Enrolment Targets.
#include "common/error.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace rspf::store {
namespace {

constexpr const char* kSelectTarget = "SELECT target_id, type, created_at FROM targets ";

EnrolmentTarget readTarget(const sqlite::Statement& row) {
  return EnrolmentTarget{row.text(0), row.text(1), fromUnix(row.integer(2))};
}

}  // namespace

void SqliteStore::addTarget(const EnrolmentTarget& target) {
  std::lock_guard lock(mutex_);
  sqlite3* db = db_.get();
  sqlite::WriteTransaction tx(db);
  if (sqlite::Statement(db, "SELECT 1 FROM targets WHERE target_id = ?1")
          .bindText(1, target.targetId)
          .step())
    throw Error(ErrorCode::Conflict, "Enrolment Target '" + target.targetId + "' already exists");
  sqlite::Statement(db, "INSERT INTO targets (target_id, type, created_at) VALUES (?1, ?2, ?3)")
      .bindText(1, target.targetId)
      .bindText(2, target.type)
      .bindInt(3, toUnix(target.createdAt))
      .run();
  tx.commit();
}

std::optional<EnrolmentTarget> SqliteStore::findTarget(std::string_view targetId) {
  std::lock_guard lock(mutex_);
  sqlite::Statement s(db_.get(), std::string(kSelectTarget) + "WHERE target_id = ?1");
  s.bindText(1, targetId);
  if (!s.step()) return std::nullopt;
  return readTarget(s);
}

std::vector<EnrolmentTarget> SqliteStore::listTargets() {
  std::lock_guard lock(mutex_);
  sqlite::Statement s(db_.get(), std::string(kSelectTarget) + "ORDER BY target_id");
  std::vector<EnrolmentTarget> out;
  while (s.step()) out.push_back(readTarget(s));
  return out;
}

bool SqliteStore::removeTarget(std::string_view targetId) {
  std::lock_guard lock(mutex_);
  sqlite::Statement(db_.get(), "DELETE FROM targets WHERE target_id = ?1")
      .bindText(1, targetId)
      .run();
  return sqlite3_changes(db_.get()) > 0;
}

}  // namespace rspf::store
