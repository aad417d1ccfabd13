// PostgresStore: enrolment tokens (only their SHA-256 is stored; commitEnrolment consumes them) and
// Enrolment Targets.
#include "crypto/primitives.hpp"
#include "store/postgres/pg_values.hpp"
#include "store/postgres/postgres_store.hpp"

namespace rspf::store {
namespace {

using postgres::exec;
using postgres::Session;
using postgres::Statement;
using postgres::storableText;

#define RSPF_SELECT_TOKEN                                                                      \
  "SELECT token_id, token_hash, bound_enrolee_id, aux_info, created_at, expires_at, used_at, " \
  "used_by, revoked FROM tokens "
constexpr Statement kSelectToken{"token_by_id", RSPF_SELECT_TOKEN "WHERE token_id = $1"};
constexpr Statement kSelectTokenByHash{"token_by_hash", RSPF_SELECT_TOKEN "WHERE token_hash = $1"};
constexpr Statement kSelectTokens{"tokens_all", RSPF_SELECT_TOKEN "ORDER BY created_at, token_id"};
#undef RSPF_SELECT_TOKEN
constexpr Statement kTokenIdExists{"token_id_exists", "SELECT 1 FROM tokens WHERE token_id = $1"};
constexpr Statement kTokenHashExists{"token_hash_exists", "SELECT 1 FROM tokens WHERE token_hash = $1"};
constexpr Statement kInsertToken{"token_insert",
                                 "INSERT INTO tokens (token_id, token_hash, bound_enrolee_id, aux_info, created_at, "
                                 "expires_at, used_at, used_by, revoked) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"};
constexpr Statement kRevokeToken{"token_revoke", "UPDATE tokens SET revoked = TRUE WHERE token_id = $1"};

constexpr Statement kSelectTarget{"target_select",
                                  "SELECT target_id, type, created_at FROM targets WHERE target_id = $1"};
constexpr Statement kSelectTargets{"targets_all", "SELECT target_id, type, created_at FROM targets ORDER BY target_id"};
constexpr Statement kTargetExists{"target_exists", "SELECT 1 FROM targets WHERE target_id = $1"};
constexpr Statement kInsertTarget{"target_insert",
                                  "INSERT INTO targets (target_id, type, created_at) VALUES ($1, $2, $3)"};
constexpr Statement kDeleteTarget{"target_delete", "DELETE FROM targets WHERE target_id = $1"};

std::optional<std::int64_t> optionalUnix(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return toUnix(*t);
}

EnrolmentToken readToken(const pqxx::row& r) {
  EnrolmentToken t;
  t.tokenId = postgres::text(r[0]);
  t.tokenHash = postgres::bytes(r[1]);
  t.boundEnroleeId = postgres::text(r[2]);
  t.auxInfo = postgres::text(r[3]);
  t.createdAt = postgres::time(r[4]);
  t.expiresAt = postgres::optionalTime(r[5]);
  t.usedAt = postgres::optionalTime(r[6]);
  t.usedBy = postgres::text(r[7]);
  t.revoked = r[8].as<bool>();
  return t;
}

EnrolmentTarget readTarget(const pqxx::row& r) {
  return EnrolmentTarget{postgres::text(r[0]), postgres::text(r[1]), postgres::time(r[2])};
}

}  // namespace

void PostgresStore::addToken(const EnrolmentToken& token) {
  if (token.tokenHash.size() != crypto::kSha256Size)
    throw Error(ErrorCode::BadRequest,
                "enrolment token '" + token.tokenId + "': the stored hash must be a SHA-256 digest");
  pool_.run("adding an enrolment token", [&](Session& s) {
    pqxx::work tx(s.connection());
    if (!exec(tx, s, kTokenIdExists, token.tokenId).empty())
      throw Error(ErrorCode::Conflict, "enrolment token '" + token.tokenId + "' already exists");
    if (!exec(tx, s, kTokenHashExists, token.tokenHash).empty())
      throw Error(ErrorCode::Conflict, "an enrolment token with the same value already exists");
    exec(tx, s, kInsertToken, token.tokenId, token.tokenHash, token.boundEnroleeId, token.auxInfo, token.createdAt,
         optionalUnix(token.expiresAt), optionalUnix(token.usedAt), token.usedBy, token.revoked);
    tx.commit();
    return 0;
  });
}

std::optional<EnrolmentToken> PostgresStore::findToken(std::string_view tokenId) {
  if (!storableText(tokenId)) return std::nullopt;
  return pool_.run("looking up an enrolment token", [&](Session& s) -> std::optional<EnrolmentToken> {
    pqxx::nontransaction tx(s.connection());
    auto r = exec(tx, s, kSelectToken, tokenId);
    if (r.empty()) return std::nullopt;
    return readToken(r[0]);
  });
}

std::optional<EnrolmentToken> PostgresStore::findTokenByHash(crypto::ByteView tokenHash) {
  return pool_.run("looking up an enrolment token", [&](Session& s) -> std::optional<EnrolmentToken> {
    pqxx::nontransaction tx(s.connection());
    auto r = exec(tx, s, kSelectTokenByHash, tokenHash);
    if (r.empty()) return std::nullopt;
    return readToken(r[0]);
  });
}

std::vector<EnrolmentToken> PostgresStore::listTokens() {
  return pool_.run("listing enrolment tokens", [&](Session& s) {
    pqxx::nontransaction tx(s.connection());
    std::vector<EnrolmentToken> out;
    for (const auto& row : exec(tx, s, kSelectTokens)) out.push_back(readToken(row));
    return out;
  });
}

bool PostgresStore::revokeToken(std::string_view tokenId) {
  if (!storableText(tokenId)) return false;
  return pool_.run("revoking an enrolment token", [&](Session& s) {
    pqxx::work tx(s.connection());
    auto r = exec(tx, s, kRevokeToken, tokenId);
    tx.commit();
    return r.affected_rows() > 0;
  });
}

// --- Enrolment Targets.

void PostgresStore::addTarget(const EnrolmentTarget& target) {
  pool_.run("adding an Enrolment Target", [&](Session& s) {
    pqxx::work tx(s.connection());
    if (!exec(tx, s, kTargetExists, target.targetId).empty())
      throw Error(ErrorCode::Conflict, "Enrolment Target '" + target.targetId + "' already exists");
    exec(tx, s, kInsertTarget, target.targetId, target.type, target.createdAt);
    tx.commit();
    return 0;
  });
}

std::optional<EnrolmentTarget> PostgresStore::findTarget(std::string_view targetId) {
  if (!storableText(targetId)) return std::nullopt;
  return pool_.run("looking up an Enrolment Target", [&](Session& s) -> std::optional<EnrolmentTarget> {
    pqxx::nontransaction tx(s.connection());
    auto r = exec(tx, s, kSelectTarget, targetId);
    if (r.empty()) return std::nullopt;
    return readTarget(r[0]);
  });
}

std::vector<EnrolmentTarget> PostgresStore::listTargets() {
  return pool_.run("listing Enrolment Targets", [&](Session& s) {
    pqxx::nontransaction tx(s.connection());
    std::vector<EnrolmentTarget> out;
    for (const auto& row : exec(tx, s, kSelectTargets)) out.push_back(readTarget(row));
    return out;
  });
}

bool PostgresStore::removeTarget(std::string_view targetId) {
  if (!storableText(targetId)) return false;
  return pool_.run("removing an Enrolment Target", [&](Session& s) {
    pqxx::work tx(s.connection());
    auto r = exec(tx, s, kDeleteTarget, targetId);
    tx.commit();
    return r.affected_rows() > 0;
  });
}

}  // namespace rspf::store
