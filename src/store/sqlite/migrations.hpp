#pragma once
// The store's versioned schema. The version lives in PRAGMA user_version; each migration moves the
// schema from version N-1 to N in one transaction. Published migrations are never edited: a change
// is a new step at the end.
#include <sqlite3.h>

#include <span>

namespace rspf::store::sqlite {

struct Migration {
  int version;      // schema version after this step
  const char* sql;  // static SQL, possibly several statements
};

// Ordered by version, starting at 1.
std::span<const Migration> migrations();
int currentSchemaVersion();

int readSchemaVersion(sqlite3* db);

// Applies the missing steps. Throws Error(Config) when the database is newer than this code.
void migrate(sqlite3* db);

}  // namespace rspf::store::sqlite
