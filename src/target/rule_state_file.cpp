#include "target/rule_state_file.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <unistd.h>

#include "common/error.hpp"

namespace rspf::target {
namespace {

struct Statement {
  sqlite3_stmt* handle = nullptr;
  ~Statement() { sqlite3_finalize(handle); }
};

}  // namespace

RuleStateFile::RuleStateFile(const std::filesystem::path& file) : file_(file) {
  // Created 0600 before SQLite opens it (never readable by others).
  int fd = ::open(file.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) throw Error(ErrorCode::Config, "cannot create the state file " + file.string());
  ::close(fd);
  if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK) {
    std::string reason = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(ErrorCode::Config, "cannot open the state file " + file.string() + ": " + reason);
  }
  sqlite3_busy_timeout(db_, 2000);
  exec(
      "CREATE TABLE IF NOT EXISTS service_subscribed_app_rule (credential_id TEXT PRIMARY KEY, "
      "enrolee_id TEXT NOT NULL, lifetime INTEGER NOT NULL)",
      {});
}

RuleStateFile::~RuleStateFile() { sqlite3_close(db_); }

void RuleStateFile::exec(const char* sql, const std::vector<std::string>& text, std::int64_t number, bool withNumber) {
  Statement s;
  if (sqlite3_prepare_v2(db_, sql, -1, &s.handle, nullptr) != SQLITE_OK)
    throw Error(ErrorCode::Internal, std::string("state file: ") + sqlite3_errmsg(db_));
  int i = 1;
  for (const auto& t : text) sqlite3_bind_text(s.handle, i++, t.c_str(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
  if (withNumber) sqlite3_bind_int64(s.handle, i, number);
  if (sqlite3_step(s.handle) != SQLITE_DONE)
    throw Error(ErrorCode::Internal, std::string("state file: ") + sqlite3_errmsg(db_));
}

std::vector<RuleEntry> RuleStateFile::load(TimePoint now) {
  std::lock_guard lock(mutex_);
  exec("DELETE FROM service_subscribed_app_rule WHERE lifetime <= ?", {}, toUnix(now), true);
  Statement s;
  if (sqlite3_prepare_v2(db_, "SELECT credential_id, enrolee_id, lifetime FROM service_subscribed_app_rule", -1,
                         &s.handle, nullptr) != SQLITE_OK)
    throw Error(ErrorCode::Internal, std::string("state file: ") + sqlite3_errmsg(db_));
  std::vector<RuleEntry> entries;
  while (sqlite3_step(s.handle) == SQLITE_ROW)
    entries.push_back({reinterpret_cast<const char*>(sqlite3_column_text(s.handle, 0)),
                       reinterpret_cast<const char*>(sqlite3_column_text(s.handle, 1)),
                       fromUnix(sqlite3_column_int64(s.handle, 2))});
  return entries;
}

void RuleStateFile::admit(const RuleEntry& e) {
  std::lock_guard lock(mutex_);
  exec("INSERT OR REPLACE INTO service_subscribed_app_rule (credential_id, enrolee_id, lifetime) VALUES (?, ?, ?)",
       {e.credentialId, e.enroleeId}, toUnix(e.lifetime), true);
}

void RuleStateFile::erase(const std::string& credentialId) {
  std::lock_guard lock(mutex_);
  exec("DELETE FROM service_subscribed_app_rule WHERE credential_id = ?", {credentialId});
}

}  // namespace rspf::target
