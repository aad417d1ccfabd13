#pragma once
// RAII over the SQLite3 C API: a connection with the statements prepared on it, a prepared
// statement in use with bound parameters, and a write transaction. Errors become Error(Store)
// carrying sqlite3_errmsg, which never contains bound values (so never a secret).
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "crypto/secret_bytes.hpp"

namespace rspf::store::sqlite {

struct ConnectionClose {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Connection = std::unique_ptr<sqlite3, ConnectionClose>;

[[noreturn]] void throwStoreError(sqlite3* db, std::string_view doing);

// Runs static SQL (no parameters), possibly several statements.
void execute(sqlite3* db, const char* sql, std::string_view doing);

// One use of a prepared statement: bind, step, read columns. Either a statement of a Database's
// cache (reset and its bindings cleared when this goes away, ready for the next use) or one
// prepared for this use only (finalized when this goes away).
class Statement {
 public:
  // Prepares `sql` for this use only.
  Statement(sqlite3* db, std::string_view sql);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are numbered from 1, as in SQL "?1".
  Statement& bindText(int index, std::string_view value);
  Statement& bindTextOrNull(int index, std::string_view value);  // NULL when empty
  Statement& bindInt(int index, std::int64_t value);
  Statement& bindIntOrNull(int index, std::optional<std::int64_t> value);
  Statement& bindBlob(int index, crypto::ByteView value);
  Statement& bindBlobOrNull(int index, crypto::ByteView value);  // NULL when empty

  // True when a row is available, false when the statement is done.
  bool step();
  // Steps a statement that returns no row.
  void run();
  // Like run(), but returns the (extended) result code instead of throwing: SQLITE_DONE on
  // success. For callers that map one failure (a constraint) to their own error.
  int tryRun();

  // Columns are numbered from 0.
  bool isNull(int column) const;
  std::string text(int column) const;  // "" for NULL
  std::int64_t integer(int column) const;
  std::optional<std::int64_t> integerOrNull(int column) const;
  crypto::Bytes blob(int column) const;  // empty for NULL

 private:
  friend class Database;
  // A use of a cached statement; `inUse` is its cache entry's flag, cleared when this goes away.
  Statement(sqlite3* db, sqlite3_stmt* cached, bool* inUse);
  void check(int rc, std::string_view doing) const;

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool* inUse_;  // null: stmt_ is owned (finalized), else cached (reset)
};

// One connection and the statements prepared on it: each SQL text is prepared once, on its first
// use, with SQLITE_PREPARE_PERSISTENT, and kept until the connection closes. Not thread-safe: one
// user at a time (the owner's mutex or thread).
class Database {
 public:
  Database() = default;
  explicit Database(Connection db) : db_(std::move(db)) {}
  Database(Database&&) noexcept = default;
  Database& operator=(Database&&) noexcept;

  sqlite3* get() const { return db_.get(); }
  explicit operator bool() const { return db_ != nullptr; }

  // A use of the cached statement for `sql`, which must outlive the Database (a string literal or
  // a constant): it is the cache key. If that statement is already in use (a nested use), the
  // nested use gets a statement of its own.
  Statement statement(std::string_view sql);

 private:
  struct Finalize {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  struct Cached {
    std::unique_ptr<sqlite3_stmt, Finalize> stmt;
    bool inUse = false;
  };

  // Looked up by string_view without a copy; the key owns its text (callers may build SQL at run time).
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const noexcept { return std::hash<std::string_view>{}(sql); }
  };

  // Declared first so that it is destroyed last, after every statement is finalized.
  Connection db_;
  std::unordered_map<std::string, Cached, SqlHash, std::equal_to<>> statements_;
};

// BEGIN IMMEDIATE: takes the write lock up front, so a read-check-write sequence cannot race with
// another connection. Rolls back unless committed.
class WriteTransaction {
 public:
  explicit WriteTransaction(sqlite3* db);
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  ~WriteTransaction();

  void commit();
  void rollback();

 private:
  sqlite3* db_;
  bool open_ = true;
};

}  // namespace rspf::store::sqlite
