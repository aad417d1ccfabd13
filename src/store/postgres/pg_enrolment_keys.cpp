// PostgresStore: Enrolment Keys. commitEnrolment is one transaction that locks the Enrolee's row,
// then the token's: enrolments of one Enrolee, and uses of one token, are ordered across every
// instance on the database, and the later one sees what the earlier committed.
#include <algorithm>

#include "crypto/identifiers.hpp"
#include "store/policy_json.hpp"
#include "store/postgres/pg_values.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/retired_keys.hpp"
#include "store/sealing.hpp"
#include "store/token_rules.hpp"

namespace rspf::store {
namespace {

using postgres::exec;
using postgres::Session;
using postgres::Statement;
using postgres::storableText;

#define RSPF_KEY_COLUMNS                                                                                    \
  "relative_ke_id, enrolee_id, ke_sealed, kre_id, kre_sealed, framework, key_profile, created_at, expiry, " \
  "token_id, token_aux, completed_steps"
constexpr Statement kSelectKeyByRelativeKeId{
    "key_by_relative_ke_id", "SELECT " RSPF_KEY_COLUMNS " FROM enrolment_keys WHERE relative_ke_id = $1"};
constexpr Statement kSelectKeyByKreId{"key_by_kre_id",
                                      "SELECT " RSPF_KEY_COLUMNS " FROM enrolment_keys WHERE kre_id = $1"};
constexpr Statement kSelectKeyOfEnrolee{"key_of_enrolee",
                                        "SELECT " RSPF_KEY_COLUMNS " FROM enrolment_keys WHERE enrolee_id = $1"};
constexpr Statement kSelectRetiredKey{"retired_key_by_relative_ke_id",
                                      "SELECT " RSPF_KEY_COLUMNS
                                      " FROM retired_enrolment_keys WHERE relative_ke_id = $1"};
constexpr Statement kSelectKeyExpiry{"key_expiry_by_relative_ke_id",
                                     "SELECT expiry FROM enrolment_keys WHERE relative_ke_id = $1"};
constexpr Statement kSelectRetiredKeyExpiry{"retired_key_expiry_by_relative_ke_id",
                                            "SELECT expiry FROM retired_enrolment_keys WHERE relative_ke_id = $1"};
constexpr Statement kSelectRetrievableKey{
    "retrievable_key_by_relative_ke_id",
    "SELECT enrolee_id, ke_sealed, key_profile, expiry FROM enrolment_keys WHERE relative_ke_id = $1"};
constexpr Statement kSelectRetiredRetrievableKey{
    "retired_retrievable_key_by_relative_ke_id",
    "SELECT enrolee_id, ke_sealed, key_profile, expiry FROM retired_enrolment_keys WHERE relative_ke_id = $1"};
// The Enrolee's current key becomes a retired one, served until $2 at the latest.
constexpr Statement kRetireKey{
    "key_retire",
    "INSERT INTO retired_enrolment_keys (" RSPF_KEY_COLUMNS
    ") SELECT relative_ke_id, enrolee_id, ke_sealed, kre_id, kre_sealed, framework, key_profile, created_at, "
    "LEAST(expiry, $2), token_id, token_aux, completed_steps FROM enrolment_keys WHERE enrolee_id = $1 AND expiry > $3 "
    "ON CONFLICT (relative_ke_id) DO UPDATE SET expiry = excluded.expiry"};
constexpr Statement kUpsertKey{
    "key_upsert",
    "INSERT INTO enrolment_keys (" RSPF_KEY_COLUMNS
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
    "ON CONFLICT (enrolee_id) DO UPDATE SET relative_ke_id = excluded.relative_ke_id, "
    "ke_sealed = excluded.ke_sealed, kre_id = excluded.kre_id, kre_sealed = excluded.kre_sealed, "
    "framework = excluded.framework, key_profile = excluded.key_profile, created_at = excluded.created_at, "
    "expiry = excluded.expiry, token_id = excluded.token_id, token_aux = excluded.token_aux, "
    "completed_steps = excluded.completed_steps"};
#undef RSPF_KEY_COLUMNS
// The Enrolee's row, locked until the enrolment commits (NO KEY: its keys' foreign keys still check).
constexpr Statement kLockEnrolee{"enrolee_lock", "SELECT 1 FROM enrolees WHERE enrolee_id = $1 FOR NO KEY UPDATE"};
constexpr Statement kLockToken{"token_lock",
                               "SELECT token_id, bound_enrolee_id, aux_info, expires_at, revoked, used_at IS NOT NULL "
                               "FROM tokens WHERE token_hash = $1 FOR UPDATE"};
constexpr Statement kUseToken{"token_use",
                              "UPDATE tokens SET used_at = $1, used_by = $2 WHERE token_id = $3 AND used_at IS NULL"};
constexpr Statement kSelectSteps{"key_steps_lock",
                                 "SELECT completed_steps FROM enrolment_keys WHERE relative_ke_id = $1 FOR UPDATE"};
constexpr Statement kUpdateSteps{"key_steps_update",
                                 "UPDATE enrolment_keys SET completed_steps = $2 WHERE relative_ke_id = $1"};
constexpr Statement kPurge{"keys_purge", "DELETE FROM enrolment_keys WHERE expiry <= $1"};
constexpr Statement kPurgeRetired{"retired_keys_purge", "DELETE FROM retired_enrolment_keys WHERE expiry <= $1"};

Error unknownEnrolee(std::string_view enroleeId) {
  return Error(ErrorCode::NotFound, "Enrolee '" + std::string(enroleeId) + "' does not exist");
}

std::optional<TokenState> readTokenState(const pqxx::result& r) {
  if (r.empty()) return std::nullopt;
  return TokenState{postgres::text(r[0][0]),         postgres::text(r[0][1]), postgres::text(r[0][2]),
                    postgres::optionalTime(r[0][3]), r[0][5].as<bool>(),      r[0][4].as<bool>()};
}

// The row `current` finds for the RelativeKeId `id`, else the one `retired` finds: `read(row,
// isRetired)`, or nothing (as SqliteStore's lookups of the same name).
template <class Read>
auto currentThenRetired(postgres::ConnectionPool& pool, std::string_view doing, const Statement& current,
                        const Statement& retired, const std::string& id, Read read)
    -> std::optional<decltype(read(std::declval<const pqxx::row&>(), false))> {
  using Found = std::optional<decltype(read(std::declval<const pqxx::row&>(), false))>;
  if (!storableText(id)) return std::nullopt;
  return pool.run(doing, [&](Session& s) -> Found {
    pqxx::nontransaction tx(s.connection());
    for (const auto* statement : {&current, &retired}) {
      auto r = exec(tx, s, *statement, id);
      if (!r.empty()) return read(r[0], statement == &retired);
    }
    return std::nullopt;
  });
}

}  // namespace

EnrolmentKey PostgresStore::readEnrolmentKey(const pqxx::row& r) const {
  EnrolmentKey k;
  k.relativeKeId = postgres::text(r[0]);
  k.enroleeId = postgres::text(r[1]);
  k.ke = kek_.open(postgres::bytes(r[2]), keSealingName(k.relativeKeId));
  k.kreId = postgres::text(r[3]);
  k.kre = kek_.open(postgres::bytes(r[4]), kreSealingName(k.relativeKeId));
  k.framework = postgres::text(r[5]);
  k.keyProfile = postgres::text(r[6]);
  k.createdAt = postgres::time(r[7]);
  k.expiry = postgres::time(r[8]);
  k.tokenId = postgres::text(r[9]);
  k.tokenAux = postgres::text(r[10]);
  k.completedSteps = completedStepsFromJson(postgres::text(r[11]));
  return k;
}

TokenRefusal PostgresStore::commitEnrolment(EnrolmentKey key, const std::optional<TokenUse>& token, TimePoint now,
                                            std::chrono::seconds previousKeyGrace) {
  key.relativeKeId = crypto::toLower(key.relativeKeId);
  key.kreId = crypto::toLower(key.kreId);
  const crypto::Bytes keSealed = kek_.seal(key.ke.view(), keSealingName(key.relativeKeId));
  const crypto::Bytes kreSealed = kek_.seal(key.kre.view(), kreSealingName(key.relativeKeId));
  const std::string steps = completedStepsToJson(key.completedSteps);
  const auto cap = retiredKeyCap(now, previousKeyGrace);
  if (!storableText(key.enroleeId)) throw unknownEnrolee(key.enroleeId);
  return pool_.run("committing an enrolment", [&](Session& s) {
    pqxx::work tx(s.connection());
    if (exec(tx, s, kLockEnrolee, key.enroleeId).empty()) throw unknownEnrolee(key.enroleeId);
    std::string tokenId = key.tokenId;
    std::string tokenAux = key.tokenAux;
    if (token) {
      auto state = readTokenState(exec(tx, s, kLockToken, token->tokenHash));
      if (auto refusal = checkTokenUse(state, key.enroleeId, now); refusal != TokenRefusal::None) return refusal;
      if (exec(tx, s, kUseToken, now, key.enroleeId, state->tokenId).affected_rows() == 0)
        return TokenRefusal::AlreadyUsed;
      tokenId = state->tokenId;
      tokenAux = state->auxInfo;
    }
    if (cap) exec(tx, s, kRetireKey, key.enroleeId, *cap, toUnix(now));
    exec(tx, s, kUpsertKey, key.relativeKeId, key.enroleeId, keSealed, key.kreId, kreSealed, key.framework,
         key.keyProfile, key.createdAt, key.expiry, tokenId, tokenAux, steps);
    tx.commit();
    return TokenRefusal::None;
  });
}

std::optional<EnrolmentKey> PostgresStore::findEnrolmentKeyWhere(const Statement& statement, std::string_view value) {
  if (!storableText(value)) return std::nullopt;
  return pool_.run("looking up an Enrolment Key", [&](Session& s) -> std::optional<EnrolmentKey> {
    pqxx::nontransaction tx(s.connection());
    auto r = exec(tx, s, statement, value);
    if (r.empty()) return std::nullopt;
    return readEnrolmentKey(r[0]);
  });
}

std::optional<EnrolmentKey> PostgresStore::findEnrolmentKey(std::string_view relativeKeId) {
  const std::string id = crypto::toLower(relativeKeId);
  if (auto current = findEnrolmentKeyWhere(kSelectKeyByRelativeKeId, id)) return current;
  auto retired = findEnrolmentKeyWhere(kSelectRetiredKey, id);
  if (retired) retired->retired = true;
  return retired;
}

std::optional<TimePoint> PostgresStore::findEnrolmentKeyExpiry(std::string_view relativeKeId) {
  return currentThenRetired(pool_, "looking up an Enrolment Key's expiry", kSelectKeyExpiry, kSelectRetiredKeyExpiry,
                            crypto::toLower(relativeKeId),
                            [](const pqxx::row& row, bool) { return postgres::time(row[0]); });
}

std::optional<RetrievableKey> PostgresStore::findRetrievableKey(std::string_view relativeKeId) {
  const std::string id = crypto::toLower(relativeKeId);
  return currentThenRetired(pool_, "looking up an Enrolment Key", kSelectRetrievableKey, kSelectRetiredRetrievableKey,
                            id, [&](const pqxx::row& row, bool retired) {
                              RetrievableKey k;
                              k.enroleeId = postgres::text(row[0]);
                              k.ke = kek_.open(postgres::bytes(row[1]), keSealingName(id));
                              k.keyProfile = postgres::text(row[2]);
                              k.expiry = postgres::time(row[3]);
                              k.retired = retired;
                              return k;
                            });
}

std::optional<EnrolmentKey> PostgresStore::findEnrolmentKeyByKreId(std::string_view kreId) {
  return findEnrolmentKeyWhere(kSelectKeyByKreId, crypto::toLower(kreId));
}

std::optional<EnrolmentKey> PostgresStore::findEnrolmentKeyOf(std::string_view enroleeId) {
  return findEnrolmentKeyWhere(kSelectKeyOfEnrolee, enroleeId);
}

bool PostgresStore::recordCompletedStep(std::string_view relativeKeId, std::string_view step) {
  const std::string id = crypto::toLower(relativeKeId);
  if (!storableText(id)) return false;
  return pool_.run("recording a completed step", [&](Session& s) {
    pqxx::work tx(s.connection());
    auto r = exec(tx, s, kSelectSteps, id);
    if (r.empty()) return false;
    auto steps = completedStepsFromJson(postgres::text(r[0][0]));
    if (std::find(steps.begin(), steps.end(), step) == steps.end()) {
      steps.emplace_back(step);
      exec(tx, s, kUpdateSteps, id, completedStepsToJson(steps));
    }
    tx.commit();
    return true;
  });
}

std::size_t PostgresStore::purgeExpiredEnrolmentKeys(TimePoint now) {
  return pool_.run("purging expired Enrolment Keys", [&](Session& s) {
    pqxx::work tx(s.connection());
    auto purged = exec(tx, s, kPurge, now).affected_rows() + exec(tx, s, kPurgeRetired, now).affected_rows();
    tx.commit();
    return static_cast<std::size_t>(purged);
  });
}

}  // namespace rspf::store
