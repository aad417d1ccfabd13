#include "store/sqlite/sqlite_statement.hpp"

#include "common/error.hpp"

namespace rspf::store::sqlite {

void throwStoreError(sqlite3* db, std::string_view doing) {
  throw Error(ErrorCode::Store, "store: " + std::string(doing) + " failed: " + std::string(sqlite3_errmsg(db)));
}

void execute(sqlite3* db, const char* sql, std::string_view doing) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) throwStoreError(db, doing);
}

namespace {

sqlite3_stmt* prepare(sqlite3* db, std::string_view sql, unsigned flags) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), flags, &raw, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(raw);
    throwStoreError(db, "preparing a statement");
  }
  return raw;
}

}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db), stmt_(prepare(db, sql, 0)), inUse_(nullptr) {}

Statement::Statement(sqlite3* db, sqlite3_stmt* cached, bool* inUse) : db_(db), stmt_(cached), inUse_(inUse) {
  *inUse_ = true;
}

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_), inUse_(other.inUse_) {
  other.stmt_ = nullptr;
  other.inUse_ = nullptr;
}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  if (inUse_ == nullptr) {
    sqlite3_finalize(stmt_);
    return;
  }
  // Ends the statement's read transaction (autocommit) and drops the bound values, which may be
  // sealed secrets, before the next use.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  *inUse_ = false;
}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    statements_.clear();  // finalized before their connection closes
    db_ = std::move(other.db_);
    statements_ = std::move(other.statements_);
  }
  return *this;
}

Statement Database::statement(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) it = statements_.emplace(std::string(sql), Cached{}).first;
  Cached& cached = it->second;
  if (!cached.stmt) {
    try {
      cached.stmt.reset(prepare(db_.get(), sql, SQLITE_PREPARE_PERSISTENT));
    } catch (...) {
      statements_.erase(it);
      throw;
    }
  }
  if (cached.inUse) return Statement(db_.get(), sql);
  return Statement(db_.get(), cached.stmt.get(), &cached.inUse);
}

void Statement::check(int rc, std::string_view doing) const {
  if (rc != SQLITE_OK) throwStoreError(db_, doing);
}

Statement& Statement::bindText(int index, std::string_view value) {
  check(sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT),
        "binding a parameter");
  return *this;
}

Statement& Statement::bindTextOrNull(int index, std::string_view value) {
  if (value.empty()) {
    check(sqlite3_bind_null(stmt_, index), "binding a parameter");
    return *this;
  }
  return bindText(index, value);
}

Statement& Statement::bindInt(int index, std::int64_t value) {
  check(sqlite3_bind_int64(stmt_, index, value), "binding a parameter");
  return *this;
}

Statement& Statement::bindIntOrNull(int index, std::optional<std::int64_t> value) {
  if (!value) {
    check(sqlite3_bind_null(stmt_, index), "binding a parameter");
    return *this;
  }
  return bindInt(index, *value);
}

Statement& Statement::bindBlob(int index, crypto::ByteView value) {
  // A zero-length blob with a null pointer would bind NULL: use a valid empty blob instead.
  check(sqlite3_bind_blob64(stmt_, index, value.empty() ? static_cast<const void*>("") : value.data(), value.size(),
                            SQLITE_TRANSIENT),
        "binding a parameter");
  return *this;
}

Statement& Statement::bindBlobOrNull(int index, crypto::ByteView value) {
  if (value.empty()) {
    check(sqlite3_bind_null(stmt_, index), "binding a parameter");
    return *this;
  }
  return bindBlob(index, value);
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throwStoreError(db_, "executing a statement");
}

void Statement::run() {
  while (step()) {
  }
}

int Statement::tryRun() {
  int rc = SQLITE_ROW;
  while (rc == SQLITE_ROW) rc = sqlite3_step(stmt_);
  return rc;
}

bool Statement::isNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

std::string Statement::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

std::optional<std::int64_t> Statement::integerOrNull(int column) const {
  if (isNull(column)) return std::nullopt;
  return integer(column);
}

crypto::Bytes Statement::blob(int column) const {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  if (p == nullptr) return {};
  return crypto::Bytes(p, p + sqlite3_column_bytes(stmt_, column));
}

WriteTransaction::WriteTransaction(sqlite3* db) : db_(db) {
  execute(db_, "BEGIN IMMEDIATE", "starting a write transaction");
}

WriteTransaction::~WriteTransaction() {
  // Some errors (SQLITE_FULL, SQLITE_IOERR, ...) already rolled the transaction back.
  if (open_ && sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void WriteTransaction::commit() {
  execute(db_, "COMMIT", "committing a transaction");
  open_ = false;
}

void WriteTransaction::rollback() {
  open_ = false;
  execute(db_, "ROLLBACK", "rolling back a transaction");
}

}  // namespace rspf::store::sqlite
