// SqliteStore: Enrolment Keys and the token check of commitEnrolment. Ke and Kre are sealed with
// associated data "enrolment_keys/ke/<relative_ke_id>" and "enrolment_keys/kre/<relative_ke_id>".
#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "crypto/identifiers.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace rspf::store {
namespace {

constexpr const char* kSelectEnrolmentKey =
    "SELECT relative_ke_id, enrolee_id, ke_sealed, kre_id, kre_sealed, framework, key_profile, "
    "created_at, expiry, token_id, token_aux, completed_steps FROM enrolment_keys ";

std::string keWhere(std::string_view relativeKeId) {
  return "enrolment_keys/ke/" + std::string(relativeKeId);
}
std::string kreWhere(std::string_view relativeKeId) {
  return "enrolment_keys/kre/" + std::string(relativeKeId);
}

std::string stepsToJson(const std::vector<std::string>& steps) {
  return nlohmann::json(steps).dump();
}

std::vector<std::string> stepsFromJson(const std::string& text) {
  try {
    return nlohmann::json::parse(text).get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(
        ErrorCode::Store,
        std::string("stored completed steps of an Enrolment Key are malformed: ") + e.what());
  }
}

}  // namespace

EnrolmentKey SqliteStore::readEnrolmentKey(const sqlite::Statement& row) const {
  EnrolmentKey k;
  k.relativeKeId = row.text(0);
  k.enroleeId = row.text(1);
  k.ke = kek_.open(row.blob(2), keWhere(k.relativeKeId));
  k.kreId = row.text(3);
  k.kre = kek_.open(row.blob(4), kreWhere(k.relativeKeId));
  k.framework = row.text(5);
  k.keyProfile = row.text(6);
  k.createdAt = fromUnix(row.integer(7));
  k.expiry = fromUnix(row.integer(8));
  k.tokenId = row.text(9);
  k.tokenAux = row.text(10);
  k.completedSteps = stepsFromJson(row.text(11));
  return k;
}

TokenRefusal SqliteStore::consumeToken(const TokenUse& token, EnrolmentKey& key, TimePoint now) {
  sqlite3* db = db_.get();
  sqlite::Statement found(db,
                          "SELECT token_id, bound_enrolee_id, aux_info, expires_at, revoked "
                          "FROM tokens WHERE token_hash = ?1");
  found.bindBlob(1, token.tokenHash);
  if (!found.step()) return TokenRefusal::Unknown;
  if (found.integer(4) != 0) return TokenRefusal::Revoked;
  if (auto expiresAt = found.integerOrNull(3); expiresAt && *expiresAt <= toUnix(now))
    return TokenRefusal::Expired;
  const std::string bound = found.text(1);
  if (!bound.empty() && bound != key.enroleeId) return TokenRefusal::BoundToAnotherEnrolee;
  const std::string tokenId = found.text(0);
  // The condition on used_at makes the use single even if another connection got here first.
  sqlite::Statement(db,
                    "UPDATE tokens SET used_at = ?1, used_by = ?2 "
                    "WHERE token_id = ?3 AND used_at IS NULL")
      .bindInt(1, toUnix(now))
      .bindText(2, key.enroleeId)
      .bindText(3, tokenId)
      .run();
  if (sqlite3_changes(db) == 0) return TokenRefusal::AlreadyUsed;
  key.tokenId = tokenId;
  key.tokenAux = found.text(2);
  return TokenRefusal::None;
}

TokenRefusal SqliteStore::commitEnrolment(EnrolmentKey key, const std::optional<TokenUse>& token,
                                          TimePoint now) {
  key.relativeKeId = crypto::toLower(key.relativeKeId);
  key.kreId = crypto::toLower(key.kreId);
  std::lock_guard lock(mutex_);
  sqlite3* db = db_.get();
  sqlite::WriteTransaction tx(db);
  if (!sqlite::Statement(db, "SELECT 1 FROM enrolees WHERE enrolee_id = ?1")
           .bindText(1, key.enroleeId)
           .step())
    throw Error(ErrorCode::NotFound, "Enrolee '" + key.enroleeId + "' does not exist");
  if (token) {
    if (auto refusal = consumeToken(*token, key, now); refusal != TokenRefusal::None) {
      tx.rollback();
      return refusal;
    }
  }
  sqlite::Statement(db, "DELETE FROM enrolment_keys WHERE enrolee_id = ?1")
      .bindText(1, key.enroleeId)
      .run();
  sqlite::Statement(db,
                    "INSERT INTO enrolment_keys (relative_ke_id, enrolee_id, ke_sealed, kre_id, "
                    "kre_sealed, framework, key_profile, created_at, expiry, token_id, token_aux, "
                    "completed_steps) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)")
      .bindText(1, key.relativeKeId)
      .bindText(2, key.enroleeId)
      .bindBlob(3, kek_.seal(key.ke.view(), keWhere(key.relativeKeId)))
      .bindText(4, key.kreId)
      .bindBlob(5, kek_.seal(key.kre.view(), kreWhere(key.relativeKeId)))
      .bindText(6, key.framework)
      .bindText(7, key.keyProfile)
      .bindInt(8, toUnix(key.createdAt))
      .bindInt(9, toUnix(key.expiry))
      .bindText(10, key.tokenId)
      .bindText(11, key.tokenAux)
      .bindText(12, stepsToJson(key.completedSteps))
      .run();
  tx.commit();
  return TokenRefusal::None;
}

std::optional<EnrolmentKey> SqliteStore::findEnrolmentKeyWhere(const char* column,
                                                               std::string_view value) {
  std::lock_guard lock(mutex_);
  sqlite::Statement s(db_.get(), std::string(kSelectEnrolmentKey) + "WHERE " + column + " = ?1");
  s.bindText(1, value);
  if (!s.step()) return std::nullopt;
  return readEnrolmentKey(s);
}

std::optional<EnrolmentKey> SqliteStore::findEnrolmentKey(std::string_view relativeKeId) {
  return findEnrolmentKeyWhere("relative_ke_id", crypto::toLower(relativeKeId));
}

std::optional<EnrolmentKey> SqliteStore::findEnrolmentKeyByKreId(std::string_view kreId) {
  return findEnrolmentKeyWhere("kre_id", crypto::toLower(kreId));
}

std::optional<EnrolmentKey> SqliteStore::findEnrolmentKeyOf(std::string_view enroleeId) {
  return findEnrolmentKeyWhere("enrolee_id", enroleeId);
}

bool SqliteStore::recordCompletedStep(std::string_view relativeKeId, std::string_view step) {
  const std::string id = crypto::toLower(relativeKeId);
  std::lock_guard lock(mutex_);
  sqlite3* db = db_.get();
  sqlite::WriteTransaction tx(db);
  sqlite::Statement current(db,
                            "SELECT completed_steps FROM enrolment_keys WHERE relative_ke_id = ?1");
  current.bindText(1, id);
  if (!current.step()) return false;
  auto steps = stepsFromJson(current.text(0));
  if (std::find(steps.begin(), steps.end(), step) == steps.end()) {
    steps.emplace_back(step);
    sqlite::Statement(db,
                      "UPDATE enrolment_keys SET completed_steps = ?2 WHERE relative_ke_id = ?1")
        .bindText(1, id)
        .bindText(2, stepsToJson(steps))
        .run();
  }
  tx.commit();
  return true;
}

std::size_t SqliteStore::purgeExpiredEnrolmentKeys(TimePoint now) {
  std::lock_guard lock(mutex_);
  sqlite::Statement(db_.get(), "DELETE FROM enrolment_keys WHERE expiry <= ?1")
      .bindInt(1, toUnix(now))
      .run();
  return static_cast<std::size_t>(sqlite3_changes(db_.get()));
}

}  // namespace rspf::store
