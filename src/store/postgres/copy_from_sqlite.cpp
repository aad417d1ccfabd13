// copySqliteToPostgres (store/store_copy.hpp): each table's columns as both schemas name them,
// values passed as text so that PostgreSQL converts INTEGER 0/1 to BOOLEAN and blobs to BYTEA.
#include <sqlite3.h>

#include <array>
#include <optional>
#include <pqxx/pqxx>

#include "common/error.hpp"
#include "crypto/encoding.hpp"
#include "store/postgres/open_postgres_store.hpp"
#include "store/postgres/pg_pool.hpp"
#include "store/sqlite/open_sqlite_store.hpp"
#include "store/sqlite/sqlite_statement.hpp"
#include "store/store_copy.hpp"

namespace rspf::store {
namespace {

enum class Kind { Text, Integer, Boolean, Blob };

struct Column {
  const char* name;
  Kind kind;
};

struct Table {
  const char* name;
  std::vector<Column> columns;
};

constexpr Kind T = Kind::Text;
constexpr Kind I = Kind::Integer;
constexpr Kind B = Kind::Boolean;
constexpr Kind X = Kind::Blob;

// Parents before children (foreign keys); meta is the destination's own (same KEK check) but for the
// audit log's checkpoint, copied after the tables.
const std::vector<Table>& tables() {
  static const std::vector<Table> all = {
      {"enrolees",
       {{"enrolee_id", T}, {"kpm_id", T}, {"kpm_sealed", X}, {"enabled", B}, {"policy_json", T}, {"created_at", I}}},
      {"enrolment_keys",
       {{"relative_ke_id", T},
        {"enrolee_id", T},
        {"ke_sealed", X},
        {"kre_id", T},
        {"kre_sealed", X},
        {"framework", T},
        {"key_profile", T},
        {"created_at", I},
        {"expiry", I},
        {"token_id", T},
        {"token_aux", T},
        {"completed_steps", T}}},
      {"retired_enrolment_keys",
       {{"relative_ke_id", T},
        {"enrolee_id", T},
        {"ke_sealed", X},
        {"kre_id", T},
        {"kre_sealed", X},
        {"framework", T},
        {"key_profile", T},
        {"created_at", I},
        {"expiry", I},
        {"token_id", T},
        {"token_aux", T},
        {"completed_steps", T}}},
      {"bootstrap_identities", {{"kind", T}, {"value", T}, {"enrolee_id", T}, {"trust_anchor", T}, {"created_at", I}}},
      {"targets", {{"target_id", T}, {"type", T}, {"created_at", I}}},
      {"tokens",
       {{"token_id", T},
        {"token_hash", X},
        {"bound_enrolee_id", T},
        {"aux_info", T},
        {"created_at", I},
        {"expires_at", I},
        {"used_at", I},
        {"used_by", T},
        {"revoked", B}}},
      {"certificate_authorities", {{"label", T}, {"certificate", X}, {"sealed_key", X}, {"created_at", I}}},
      {"issued_certificates",
       {{"serial", T},
        {"ca_label", T},
        {"enrolee_id", T},
        {"subject", T},
        {"not_before", I},
        {"not_after", I},
        {"issued_at", I},
        {"certificate", X},
        {"revoked_at", I},
        {"revocation_reason", T}}},
      {"pending_certificate_requests",
       {{"enrolee_id", T}, {"ca_label", T}, {"public_key_sha256", T}, {"csr", X}, {"created_at", I}, {"approved", B}}},
      {"audit_log",
       {{"seq", I}, {"at", I}, {"actor", T}, {"action", T}, {"subject", T}, {"outcome", T}, {"detail", T}, {"mac", X}}},
  };
  return all;
}

std::string columnList(const Table& t) {
  std::string out;
  for (const auto& c : t.columns) out += (out.empty() ? "" : ", ") + std::string(c.name);
  return out;
}

std::string insertSql(const Table& t) {
  std::string values;
  for (std::size_t i = 1; i <= t.columns.size(); ++i) values += (i == 1 ? "$" : ", $") + std::to_string(i);
  return "INSERT INTO " + std::string(t.name) + " (" + columnList(t) + ") VALUES (" + values + ")";
}

// The column's value in PostgreSQL's text input form; nullopt for NULL.
std::optional<std::string> textValue(const sqlite::Statement& row, int i, Kind kind) {
  if (row.isNull(i)) return std::nullopt;
  switch (kind) {
    case Kind::Text: return row.text(i);
    case Kind::Integer: return std::to_string(row.integer(i));
    case Kind::Boolean: return row.integer(i) != 0 ? "true" : "false";
    case Kind::Blob: return "\\x" + crypto::toHex(row.blob(i));
  }
  return std::nullopt;
}

std::size_t countRows(sqlite3* db, const Table& t) {
  sqlite::Statement count(db, "SELECT count(*) FROM " + std::string(t.name));
  if (!count.step()) sqlite::throwStoreError(db, "counting rows");
  return static_cast<std::size_t>(count.integer(0));
}

}  // namespace

StoreCopyReport copySqliteToPostgres(const std::filesystem::path& from, const std::string& to,
                                     const KeyEncryptionKey& kek,
                                     const std::function<void(std::size_t, std::size_t)>& progress) {
  if (!std::filesystem::exists(from)) throw Error(ErrorCode::Config, "no store at " + from.string());
  StoreCopyReport report;
  // Opening checks the KEK against each store, migrates both to the current schema and, for the
  // SQLite file, checkpoints its WAL when closed.
  report.sourceAudit = openSqliteStore(from, kek)->verifyAudit();
  openPostgresStore(to, 1, kek);

  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(from.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  sqlite::Connection source(raw);
  if (rc != SQLITE_OK) throw Error(ErrorCode::Store, "cannot open " + from.string() + " to copy it");
  std::size_t total = 0;
  for (const auto& t : tables()) total += countRows(source.get(), t);

  postgres::ConnectionPool pool(to, 1);
  pool.run("copying the store", [&](postgres::Session& session) {
    pqxx::work tx(session.connection());
    for (const auto& t : tables())
      if (!tx.exec("SELECT 1 FROM " + std::string(t.name) + " LIMIT 1").empty())
        throw Error(ErrorCode::Conflict, "the destination store is not empty (" + std::string(t.name) +
                                             " has rows); copy into a new database");
    if (!tx.exec("SELECT 1 FROM meta WHERE name = 'audit_checkpoint'").empty())
      throw Error(ErrorCode::Conflict,
                  "the destination store is not empty (its audit log was archived); copy into a "
                  "new database");
    report.rowsPerTable.clear();
    report.rows = 0;
    for (const auto& t : tables()) {
      const std::string statement = std::string("copy_") + t.name;
      session.connection().prepare(statement, insertSql(t));
      sqlite::Statement rows(source.get(), "SELECT " + columnList(t) + " FROM " + std::string(t.name));
      std::size_t copied = 0;
      std::vector<std::optional<std::string>> values(t.columns.size());
      std::vector<const char*> params(t.columns.size());
      while (rows.step()) {
        for (std::size_t i = 0; i < t.columns.size(); ++i) {
          values[i] = textValue(rows, static_cast<int>(i), t.columns[i].kind);
          params[i] = values[i] ? values[i]->c_str() : nullptr;
        }
        tx.exec_prepared(statement, pqxx::prepare::make_dynamic_params(params));
        ++copied;
        if (progress) progress(report.rows + copied, total);
      }
      session.connection().unprepare(statement);
      report.rowsPerTable.emplace_back(t.name, copied);
      report.rows += copied;
    }
    // An archived source log starts at its checkpoint (MACed under the same KEK's audit key).
    sqlite::Statement checkpoint(source.get(), "SELECT value FROM meta WHERE name = 'audit_checkpoint'");
    if (checkpoint.step()) {
      const auto value = checkpoint.blob(0);
      tx.exec_params("INSERT INTO meta (name, value) VALUES ('audit_checkpoint', $1)",
                     pqxx::binarystring(value.data(), value.size()));
    }
    tx.commit();
    return 0;
  });
  if (progress && total == 0) progress(0, 0);

  report.copiedAudit = openPostgresStore(to, 1, kek)->verifyAudit();
  if (report.sourceAudit.intact &&
      (!report.copiedAudit.intact || report.copiedAudit.entries != report.sourceAudit.entries))
    throw Error(ErrorCode::Store, "the copied audit log does not verify: " + report.copiedAudit.problem);
  return report;
}

}  // namespace rspf::store
