// SqliteStore: Enrolment Targets.
#include "common/error.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace rspf::store {
namespace {

constexpr std::string_view kSelectTarget = "SELECT target_id, type, created_at FROM targets WHERE target_id = ?1";
constexpr std::string_view kSelectTargets = "SELECT target_id, type, created_at FROM targets ORDER BY target_id";
constexpr std::string_view kTargetExists = "SELECT 1 FROM targets WHERE target_id = ?1";
constexpr std::string_view kInsertTarget = "INSERT INTO targets (target_id, type, created_at) VALUES (?1, ?2, ?3)";
constexpr std::string_view kDeleteTarget = "DELETE FROM targets WHERE target_id = ?1";

EnrolmentTarget readTarget(const sqlite::Statement& row) {
  return EnrolmentTarget{row.text(0), row.text(1), fromUnix(row.integer(2))};
}

}  // namespace

void SqliteStore::addTarget(const EnrolmentTarget& target) {
  std::lock_guard lock(writerMutex_);
  sqlite::WriteTransaction tx(writer_.get());
  if (writer_.statement(kTargetExists).bindText(1, target.targetId).step())
    throw Error(ErrorCode::Conflict, "Enrolment Target '" + target.targetId + "' already exists");
  writer_.statement(kInsertTarget)
      .bindText(1, target.targetId)
      .bindText(2, target.type)
      .bindInt(3, toUnix(target.createdAt))
      .run();
  tx.commit();
}

std::optional<EnrolmentTarget> SqliteStore::findTarget(std::string_view targetId) {
  auto read = reader();
  auto s = read->db.statement(kSelectTarget);
  s.bindText(1, targetId);
  if (!s.step()) return std::nullopt;
  return readTarget(s);
}

std::vector<EnrolmentTarget> SqliteStore::listTargets() {
  auto read = reader();
  auto s = read->db.statement(kSelectTargets);
  std::vector<EnrolmentTarget> out;
  while (s.step()) out.push_back(readTarget(s));
  return out;
}

bool SqliteStore::removeTarget(std::string_view targetId) {
  std::lock_guard lock(writerMutex_);
  writer_.statement(kDeleteTarget).bindText(1, targetId).run();
  return sqlite3_changes(writer_.get()) > 0;
}

}  // namespace rspf::store
