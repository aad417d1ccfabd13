// SqliteStore: enrolment tokens (only their SHA-256 is stored; commitEnrolment consumes them).
#include "common/error.hpp"
#include "crypto/primitives.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace rspf::store {
namespace {

#define RSPF_SELECT_TOKEN                                                                      \
  "SELECT token_id, token_hash, bound_enrolee_id, aux_info, created_at, expires_at, used_at, " \
  "used_by, revoked FROM tokens "
constexpr std::string_view kSelectToken = RSPF_SELECT_TOKEN "WHERE token_id = ?1";
constexpr std::string_view kSelectTokenByHash = RSPF_SELECT_TOKEN "WHERE token_hash = ?1";
constexpr std::string_view kSelectTokens = RSPF_SELECT_TOKEN "ORDER BY created_at, token_id";
#undef RSPF_SELECT_TOKEN
constexpr std::string_view kTokenIdExists = "SELECT 1 FROM tokens WHERE token_id = ?1";
constexpr std::string_view kTokenHashExists = "SELECT 1 FROM tokens WHERE token_hash = ?1";
constexpr std::string_view kInsertToken =
    "INSERT INTO tokens (token_id, token_hash, bound_enrolee_id, aux_info, created_at, "
    "expires_at, used_at, used_by, revoked) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
constexpr std::string_view kRevokeToken = "UPDATE tokens SET revoked = 1 WHERE token_id = ?1";

std::optional<TimePoint> optionalTime(std::optional<std::int64_t> seconds) {
  if (!seconds) return std::nullopt;
  return fromUnix(*seconds);
}

std::optional<std::int64_t> optionalUnix(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return toUnix(*t);
}

EnrolmentToken readToken(const sqlite::Statement& row) {
  EnrolmentToken t;
  t.tokenId = row.text(0);
  t.tokenHash = row.blob(1);
  t.boundEnroleeId = row.text(2);
  t.auxInfo = row.text(3);
  t.createdAt = fromUnix(row.integer(4));
  t.expiresAt = optionalTime(row.integerOrNull(5));
  t.usedAt = optionalTime(row.integerOrNull(6));
  t.usedBy = row.text(7);
  t.revoked = row.integer(8) != 0;
  return t;
}

}  // namespace

void SqliteStore::addToken(const EnrolmentToken& token) {
  if (token.tokenHash.size() != crypto::kSha256Size)
    throw Error(ErrorCode::BadRequest,
                "enrolment token '" + token.tokenId + "': the stored hash must be a SHA-256 digest");
  std::lock_guard lock(writerMutex_);
  sqlite::WriteTransaction tx(writer_.get());
  if (writer_.statement(kTokenIdExists).bindText(1, token.tokenId).step())
    throw Error(ErrorCode::Conflict, "enrolment token '" + token.tokenId + "' already exists");
  if (writer_.statement(kTokenHashExists).bindBlob(1, token.tokenHash).step())
    throw Error(ErrorCode::Conflict, "an enrolment token with the same value already exists");
  writer_.statement(kInsertToken)
      .bindText(1, token.tokenId)
      .bindBlob(2, token.tokenHash)
      .bindText(3, token.boundEnroleeId)
      .bindText(4, token.auxInfo)
      .bindInt(5, toUnix(token.createdAt))
      .bindIntOrNull(6, optionalUnix(token.expiresAt))
      .bindIntOrNull(7, optionalUnix(token.usedAt))
      .bindText(8, token.usedBy)
      .bindInt(9, token.revoked ? 1 : 0)
      .run();
  tx.commit();
}

std::optional<EnrolmentToken> SqliteStore::findToken(std::string_view tokenId) {
  auto read = reader();
  auto s = read->db.statement(kSelectToken);
  s.bindText(1, tokenId);
  if (!s.step()) return std::nullopt;
  return readToken(s);
}

std::optional<EnrolmentToken> SqliteStore::findTokenByHash(crypto::ByteView tokenHash) {
  auto read = reader();
  auto s = read->db.statement(kSelectTokenByHash);
  s.bindBlob(1, tokenHash);
  if (!s.step()) return std::nullopt;
  return readToken(s);
}

std::vector<EnrolmentToken> SqliteStore::listTokens() {
  auto read = reader();
  auto s = read->db.statement(kSelectTokens);
  std::vector<EnrolmentToken> out;
  while (s.step()) out.push_back(readToken(s));
  return out;
}

bool SqliteStore::revokeToken(std::string_view tokenId) {
  std::lock_guard lock(writerMutex_);
  writer_.statement(kRevokeToken).bindText(1, tokenId).run();
  return sqlite3_changes(writer_.get()) > 0;
}

}  // namespace rspf::store
