// SqliteStore: bootstrap identities (TS-0003 8.1.2.4 registration information, GBA IMPIs). None is
// secret: a trust anchor is a certificate, a raw public key is named by its hash.
#include "common/error.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace rspf::store {
namespace {

#define RSPF_SELECT_IDENTITY "SELECT kind, value, enrolee_id, trust_anchor, created_at FROM bootstrap_identities "
constexpr std::string_view kSelectIdentity = RSPF_SELECT_IDENTITY "WHERE kind = ?1 AND value = ?2";
constexpr std::string_view kSelectIdentitiesOf = RSPF_SELECT_IDENTITY "WHERE enrolee_id = ?1 ORDER BY kind, value";
#undef RSPF_SELECT_IDENTITY
constexpr std::string_view kIdentityExists = "SELECT 1 FROM bootstrap_identities WHERE kind = ?1 AND value = ?2";
constexpr std::string_view kEnroleeExists = "SELECT 1 FROM enrolees WHERE enrolee_id = ?1";
constexpr std::string_view kInsertIdentity =
    "INSERT INTO bootstrap_identities (kind, value, enrolee_id, trust_anchor, created_at) VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr std::string_view kDeleteIdentity = "DELETE FROM bootstrap_identities WHERE kind = ?1 AND value = ?2";

BootstrapIdentity readIdentity(const sqlite::Statement& s) {
  return BootstrapIdentity{s.text(0), s.text(1), s.text(2), s.text(3), fromUnix(s.integer(4))};
}

}  // namespace

void SqliteStore::addBootstrapIdentity(const BootstrapIdentity& identity) {
  std::lock_guard lock(writerMutex_);
  sqlite::WriteTransaction tx(writer_.get());
  if (!writer_.statement(kEnroleeExists).bindText(1, identity.enroleeId).step())
    throw Error(ErrorCode::NotFound, "no Enrolee '" + identity.enroleeId + "'");
  insertBootstrapIdentity(identity);
  tx.commit();
}

void SqliteStore::insertBootstrapIdentity(const BootstrapIdentity& identity) {
  if (writer_.statement(kIdentityExists).bindText(1, identity.kind).bindText(2, identity.value).step())
    throw Error(ErrorCode::Conflict,
                "the " + identity.kind + " identity '" + identity.value + "' is already registered");
  writer_.statement(kInsertIdentity)
      .bindText(1, identity.kind)
      .bindText(2, identity.value)
      .bindText(3, identity.enroleeId)
      .bindText(4, identity.trustAnchorPem)
      .bindInt(5, toUnix(identity.createdAt))
      .run();
}

std::optional<BootstrapIdentity> SqliteStore::findBootstrapIdentity(std::string_view kind, std::string_view value) {
  auto read = reader();
  auto s = read->db.statement(kSelectIdentity);
  s.bindText(1, kind).bindText(2, value);
  if (!s.step()) return std::nullopt;
  return readIdentity(s);
}

std::vector<BootstrapIdentity> SqliteStore::listBootstrapIdentities(std::string_view enroleeId) {
  auto read = reader();
  auto s = read->db.statement(kSelectIdentitiesOf);
  s.bindText(1, enroleeId);
  std::vector<BootstrapIdentity> out;
  while (s.step()) out.push_back(readIdentity(s));
  return out;
}

bool SqliteStore::removeBootstrapIdentity(std::string_view kind, std::string_view value) {
  std::lock_guard lock(writerMutex_);
  writer_.statement(kDeleteIdentity).bindText(1, kind).bindText(2, value).run();
  return sqlite3_changes(writer_.get()) > 0;
}

}  // namespace rspf::store
