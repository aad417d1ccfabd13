#pragma once
// RAII over the SQLite3 C API: a connection, a prepared statement with bound parameters, and a
// write transaction. Errors become Error(Store) carrying sqlite3_errmsg, which never contains
// bound values (so never a secret).
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/secret_bytes.hpp"

namespace rspf::store::sqlite {

struct ConnectionClose {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Connection = std::unique_ptr<sqlite3, ConnectionClose>;

[[noreturn]] void throwStoreError(sqlite3* db, std::string_view doing);

// Runs static SQL (no parameters), possibly several statements.
void execute(sqlite3* db, const char* sql, std::string_view doing);

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);

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

  // Columns are numbered from 0.
  bool isNull(int column) const;
  std::string text(int column) const;  // "" for NULL
  std::int64_t integer(int column) const;
  std::optional<std::int64_t> integerOrNull(int column) const;
  crypto::Bytes blob(int column) const;  // empty for NULL

 private:
  struct Finalize {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  void check(int rc, std::string_view doing) const;

  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
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
