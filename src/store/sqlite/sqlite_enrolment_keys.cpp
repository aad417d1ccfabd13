// SqliteStore: Enrolment Keys, and commitEnrolment's group commit on the writer thread. Ke and Kre
// are sealed under keSealingName / kreSealingName (store/sealing.hpp); tokens and retired keys
// follow store/token_rules.hpp and store/retired_keys.hpp.
#include <algorithm>
#include <iterator>

#include <spdlog/spdlog.h>

#include "common/error.hpp"
#include "crypto/identifiers.hpp"
#include "store/policy_json.hpp"
#include "store/retired_keys.hpp"
#include "store/sealing.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/token_rules.hpp"

namespace rspf::store {
namespace {

#define RSPF_SELECT_ENROLMENT_KEY                                                              \
  "SELECT relative_ke_id, enrolee_id, ke_sealed, kre_id, kre_sealed, framework, key_profile, " \
  "created_at, expiry, token_id, token_aux, completed_steps FROM enrolment_keys "
constexpr std::string_view kSelectKeyByRelativeKeId = RSPF_SELECT_ENROLMENT_KEY "WHERE relative_ke_id = ?1";
constexpr std::string_view kSelectKeyByKreId = RSPF_SELECT_ENROLMENT_KEY "WHERE kre_id = ?1";
constexpr std::string_view kSelectKeyOfEnrolee = RSPF_SELECT_ENROLMENT_KEY "WHERE enrolee_id = ?1";
#undef RSPF_SELECT_ENROLMENT_KEY
constexpr std::string_view kSelectRetiredKey =
    "SELECT relative_ke_id, enrolee_id, ke_sealed, kre_id, kre_sealed, framework, key_profile, created_at, expiry, "
    "token_id, token_aux, completed_steps FROM retired_enrolment_keys WHERE relative_ke_id = ?1";
constexpr std::string_view kSelectKeyExpiry = "SELECT expiry FROM enrolment_keys WHERE relative_ke_id = ?1";
constexpr std::string_view kSelectRetiredKeyExpiry =
    "SELECT expiry FROM retired_enrolment_keys WHERE relative_ke_id = ?1";
constexpr std::string_view kSelectRetrievableKey =
    "SELECT enrolee_id, ke_sealed, key_profile, expiry FROM enrolment_keys WHERE relative_ke_id = ?1";
constexpr std::string_view kSelectRetiredRetrievableKey =
    "SELECT enrolee_id, ke_sealed, key_profile, expiry FROM retired_enrolment_keys WHERE relative_ke_id = ?1";
// The Enrolee's current key becomes a retired one, served until ?2 at the latest.
constexpr std::string_view kRetireKey =
    "INSERT OR REPLACE INTO retired_enrolment_keys (relative_ke_id, enrolee_id, ke_sealed, kre_id, kre_sealed, "
    "framework, key_profile, created_at, expiry, token_id, token_aux, completed_steps) "
    "SELECT relative_ke_id, enrolee_id, ke_sealed, kre_id, kre_sealed, framework, key_profile, created_at, "
    "MIN(expiry, ?2), token_id, token_aux, completed_steps FROM enrolment_keys WHERE enrolee_id = ?1 AND expiry > ?3";
constexpr std::string_view kPurgeRetired = "DELETE FROM retired_enrolment_keys WHERE expiry <= ?1";

// One Enrolment Key per Enrolee: a new key takes the place of the previous one. The foreign key
// refuses an unknown Enrolee.
constexpr std::string_view kUpsertKey =
    "INSERT INTO enrolment_keys (relative_ke_id, enrolee_id, ke_sealed, kre_id, kre_sealed, "
    "framework, key_profile, created_at, expiry, token_id, token_aux, completed_steps) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
    "ON CONFLICT (enrolee_id) DO UPDATE SET relative_ke_id = excluded.relative_ke_id, "
    "ke_sealed = excluded.ke_sealed, kre_id = excluded.kre_id, kre_sealed = excluded.kre_sealed, "
    "framework = excluded.framework, key_profile = excluded.key_profile, "
    "created_at = excluded.created_at, expiry = excluded.expiry, token_id = excluded.token_id, "
    "token_aux = excluded.token_aux, completed_steps = excluded.completed_steps";
constexpr std::string_view kSelectToken =
    "SELECT token_id, bound_enrolee_id, aux_info, expires_at, revoked, used_at IS NOT NULL FROM tokens "
    "WHERE token_hash = ?1";
// The condition on used_at makes the use single even if another connection got there first.
constexpr std::string_view kUseToken =
    "UPDATE tokens SET used_at = ?1, used_by = ?2 WHERE token_id = ?3 AND used_at IS NULL";
constexpr std::string_view kEnroleeExists = "SELECT 1 FROM enrolees WHERE enrolee_id = ?1";
constexpr std::string_view kBegin = "BEGIN IMMEDIATE";
constexpr std::string_view kCommit = "COMMIT";
constexpr std::string_view kSavepoint = "SAVEPOINT enrolment";
constexpr std::string_view kRollbackToSavepoint = "ROLLBACK TO enrolment";
constexpr std::string_view kRelease = "RELEASE enrolment";

constexpr std::string_view kSelectSteps = "SELECT completed_steps FROM enrolment_keys WHERE relative_ke_id = ?1";
constexpr std::string_view kUpdateSteps = "UPDATE enrolment_keys SET completed_steps = ?2 WHERE relative_ke_id = ?1";
constexpr std::string_view kPurge = "DELETE FROM enrolment_keys WHERE expiry <= ?1";

Error unknownEnrolee(std::string_view enroleeId) {
  return Error(ErrorCode::NotFound, "Enrolee '" + std::string(enroleeId) + "' does not exist");
}

// The row `current` finds for the RelativeKeId `id`, else the one `retired` finds: `read(row,
// isRetired)`, or nothing.
template <class Read>
auto currentThenRetired(sqlite::Database& db, std::string_view current, std::string_view retired, const std::string& id,
                        Read read) -> std::optional<decltype(read(std::declval<const sqlite::Statement&>(), false))> {
  for (auto sql : {current, retired}) {
    auto s = db.statement(sql);
    s.bindText(1, id);
    if (s.step()) return read(s, sql == retired);
  }
  return std::nullopt;
}

}  // namespace

EnrolmentKey SqliteStore::readEnrolmentKey(const sqlite::Statement& row) const {
  EnrolmentKey k;
  k.relativeKeId = row.text(0);
  k.enroleeId = row.text(1);
  k.ke = kek_.open(row.blob(2), keSealingName(k.relativeKeId));
  k.kreId = row.text(3);
  k.kre = kek_.open(row.blob(4), kreSealingName(k.relativeKeId));
  k.framework = row.text(5);
  k.keyProfile = row.text(6);
  k.createdAt = fromUnix(row.integer(7));
  k.expiry = fromUnix(row.integer(8));
  k.tokenId = row.text(9);
  k.tokenAux = row.text(10);
  k.completedSteps = completedStepsFromJson(row.text(11));
  return k;
}

// --- commitEnrolment: the caller seals, the writer thread commits.

TokenRefusal SqliteStore::commitEnrolment(EnrolmentKey key, const std::optional<TokenUse>& token, TimePoint now,
                                          std::chrono::seconds previousKeyGrace) {
  PendingEnrolment item;
  item.previousKeyGrace = previousKeyGrace;
  key.relativeKeId = crypto::toLower(key.relativeKeId);
  key.kreId = crypto::toLower(key.kreId);
  item.keSealed = kek_.seal(key.ke.view(), keSealingName(key.relativeKeId));
  item.kreSealed = kek_.seal(key.kre.view(), kreSealingName(key.relativeKeId));
  key.ke = {};
  key.kre = {};
  item.completedStepsJson = completedStepsToJson(key.completedSteps);
  item.key = std::move(key);
  if (token) item.tokenHash = token->tokenHash;
  item.now = now;
  std::future<Outcome> future = item.outcome.get_future();
  {
    std::lock_guard lock(queueMutex_);
    if (stopping_) throw Error(ErrorCode::Store, "store: the store is closing");
    queue_.push_back(std::move(item));
    // Under the lock: once it is released, the writer thread may answer, and the store may close.
    queueReady_.notify_one();
  }
  Outcome outcome = future.get();
  if (auto* failure = std::get_if<Failure>(&outcome)) throw Error(failure->code, failure->message);
  return std::get<TokenRefusal>(outcome);
}

SqliteStore::Failure SqliteStore::currentFailure() {
  try {
    throw;
  } catch (const Error& e) {
    return {e.code(), e.what()};
  } catch (const std::exception& e) {
    return {ErrorCode::Store, std::string("store: ") + e.what()};
  } catch (...) {
    return {ErrorCode::Internal, "store: unknown error"};
  }
}

std::size_t SqliteStore::queuedEnrolments() {
  std::lock_guard lock(queueMutex_);
  return queue_.size();
}

void SqliteStore::runWriter() {
  std::vector<PendingEnrolment> batch;
  std::vector<AuditEntry> audit;
  batch.reserve(kMaxBatch);
  for (;;) {
    {
      std::unique_lock lock(queueMutex_);
      queueReady_.wait(lock, [this] { return stopping_ || !queue_.empty() || !auditQueue_.empty(); });
      if (queue_.empty() && auditQueue_.empty()) return;  // stopping, and everything queued was committed
      // Audit entries alone wait a little for an enrolment to share its commit (a bootstrap's entry
      // comes just before its exchange), unless someone waits for them or the store closes.
      if (queue_.empty())
        queueReady_.wait_for(lock, kAuditCommitDelay, [this] {
          return stopping_ || !queue_.empty() || auditFlushWanted_ || auditQueue_.size() >= kMaxAuditBatch;
        });
      auditFlushWanted_ = false;
      const std::size_t n = std::min(queue_.size(), kMaxBatch);
      std::move(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n), std::back_inserter(batch));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      audit.swap(auditQueue_);
      batchSize_.store(n);
    }
    commitBatch(batch, audit);
    {
      std::lock_guard lock(queueMutex_);
      auditCommitted_ += audit.size();
      auditDone_.notify_all();
    }
    batch.clear();
    audit.clear();
    batchSize_.store(0);
  }
}

// One transaction for the batch, one savepoint per enrolment, then the queued audit entries; the
// callers learn their outcome after the COMMIT (synchronous=FULL: one fdatasync for all of them).
void SqliteStore::commitBatch(std::vector<PendingEnrolment>& batch, const std::vector<AuditEntry>& audit) {
  std::vector<Outcome> outcomes(batch.size());
  try {
    std::lock_guard lock(writerMutex_);
    try {
      writer_.statement(kBegin).run();
      for (std::size_t i = 0; i < batch.size(); ++i) outcomes[i] = applyEnrolment(batch[i]);
      if (!audit.empty()) appendAuditInTransaction(audit);
      writer_.statement(kCommit).run();
    } catch (...) {
      // Some errors (SQLITE_FULL, SQLITE_IOERR, ...) already rolled the transaction back.
      if (sqlite3_get_autocommit(writer_.get()) == 0)
        sqlite3_exec(writer_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
    commitBatches_.fetch_add(1);
  } catch (...) {
    // Nothing of the batch is durable: every enrolment fails, with its own error if it had one.
    const Failure failure = currentFailure();
    if (!audit.empty()) spdlog::error("store: {} audit entries were lost: {}", audit.size(), failure.message);
    for (Outcome& o : outcomes)
      if (!std::holds_alternative<Failure>(o)) o = failure;
  }
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i].outcome.set_value(std::move(outcomes[i]));
}

// Runs one enrolment in its own savepoint: a refusal or an error undoes this enrolment only.
// Throws when the batch's transaction itself is lost.
SqliteStore::Outcome SqliteStore::applyEnrolment(PendingEnrolment& item) {
  writer_.statement(kSavepoint).run();
  Outcome outcome;
  try {
    outcome = enrolInSavepoint(item);
  } catch (...) {
    outcome = currentFailure();
  }
  const auto* failure = std::get_if<Failure>(&outcome);
  if (sqlite3_get_autocommit(writer_.get()) != 0) {
    // The error rolled the whole transaction back: the batch fails.
    if (failure != nullptr) throw Error(failure->code, failure->message);
    throw Error(ErrorCode::Store, "store: the enrolment transaction was rolled back");
  }
  if (failure != nullptr || std::get<TokenRefusal>(outcome) != TokenRefusal::None)
    writer_.statement(kRollbackToSavepoint).run();
  writer_.statement(kRelease).run();
  return outcome;
}

TokenRefusal SqliteStore::enrolInSavepoint(PendingEnrolment& item) {
  EnrolmentKey& key = item.key;
  if (item.tokenHash) {
    if (auto refusal = consumeToken(item); refusal != TokenRefusal::None) {
      // As before the token is looked at: an unknown Enrolee is NotFound whatever its token.
      if (!writer_.statement(kEnroleeExists).bindText(1, key.enroleeId).step()) throw unknownEnrolee(key.enroleeId);
      return refusal;
    }
  }
  if (auto cap = retiredKeyCap(item.now, item.previousKeyGrace))
    writer_.statement(kRetireKey).bindText(1, key.enroleeId).bindInt(2, *cap).bindInt(3, toUnix(item.now)).run();
  auto upsert = writer_.statement(kUpsertKey);
  upsert.bindText(1, key.relativeKeId)
      .bindText(2, key.enroleeId)
      .bindBlob(3, item.keSealed)
      .bindText(4, key.kreId)
      .bindBlob(5, item.kreSealed)
      .bindText(6, key.framework)
      .bindText(7, key.keyProfile)
      .bindInt(8, toUnix(key.createdAt))
      .bindInt(9, toUnix(key.expiry))
      .bindText(10, key.tokenId)
      .bindText(11, key.tokenAux)
      .bindText(12, item.completedStepsJson);
  const int rc = upsert.tryRun();
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) throw unknownEnrolee(key.enroleeId);
  if (rc != SQLITE_DONE) sqlite::throwStoreError(writer_.get(), "storing an Enrolment Key");
  return TokenRefusal::None;
}

TokenRefusal SqliteStore::consumeToken(PendingEnrolment& item) {
  EnrolmentKey& key = item.key;
  auto found = writer_.statement(kSelectToken);
  found.bindBlob(1, *item.tokenHash);
  std::optional<TokenState> token;
  if (found.step()) {
    std::optional<TimePoint> expiresAt;
    if (auto at = found.integerOrNull(3)) expiresAt = fromUnix(*at);
    token = TokenState{found.text(0), found.text(1),         found.text(2),
                       expiresAt,     found.integer(5) != 0, found.integer(4) != 0};
  }
  if (auto refusal = checkTokenUse(token, key.enroleeId, item.now); refusal != TokenRefusal::None) return refusal;
  writer_.statement(kUseToken)
      .bindInt(1, toUnix(item.now))
      .bindText(2, key.enroleeId)
      .bindText(3, token->tokenId)
      .run();
  if (sqlite3_changes(writer_.get()) == 0) return TokenRefusal::AlreadyUsed;
  key.tokenId = token->tokenId;
  key.tokenAux = token->auxInfo;
  return TokenRefusal::None;
}

// --- Lookups and the other writes.

std::optional<EnrolmentKey> SqliteStore::findEnrolmentKeyWhere(std::string_view sql, std::string_view value) {
  auto read = reader();
  auto s = read->db.statement(sql);
  s.bindText(1, value);
  if (!s.step()) return std::nullopt;
  return readEnrolmentKey(s);
}

std::optional<EnrolmentKey> SqliteStore::findEnrolmentKey(std::string_view relativeKeId) {
  const std::string id = crypto::toLower(relativeKeId);
  if (auto current = findEnrolmentKeyWhere(kSelectKeyByRelativeKeId, id)) return current;
  auto retired = findEnrolmentKeyWhere(kSelectRetiredKey, id);
  if (retired) retired->retired = true;
  return retired;
}

std::optional<TimePoint> SqliteStore::findEnrolmentKeyExpiry(std::string_view relativeKeId) {
  const std::string id = crypto::toLower(relativeKeId);
  auto read = reader();
  return currentThenRetired(read->db, kSelectKeyExpiry, kSelectRetiredKeyExpiry, id,
                            [](const sqlite::Statement& row, bool) { return fromUnix(row.integer(0)); });
}

std::optional<RetrievableKey> SqliteStore::findRetrievableKey(std::string_view relativeKeId) {
  const std::string id = crypto::toLower(relativeKeId);
  auto read = reader();
  return currentThenRetired(read->db, kSelectRetrievableKey, kSelectRetiredRetrievableKey, id,
                            [&](const sqlite::Statement& row, bool retired) {
                              RetrievableKey k;
                              k.enroleeId = row.text(0);
                              k.ke = kek_.open(row.blob(1), keSealingName(id));
                              k.keyProfile = row.text(2);
                              k.expiry = fromUnix(row.integer(3));
                              k.retired = retired;
                              return k;
                            });
}

std::optional<EnrolmentKey> SqliteStore::findEnrolmentKeyByKreId(std::string_view kreId) {
  return findEnrolmentKeyWhere(kSelectKeyByKreId, crypto::toLower(kreId));
}

std::optional<EnrolmentKey> SqliteStore::findEnrolmentKeyOf(std::string_view enroleeId) {
  return findEnrolmentKeyWhere(kSelectKeyOfEnrolee, enroleeId);
}

bool SqliteStore::recordCompletedStep(std::string_view relativeKeId, std::string_view step) {
  const std::string id = crypto::toLower(relativeKeId);
  std::lock_guard lock(writerMutex_);
  sqlite::WriteTransaction tx(writer_.get());
  std::vector<std::string> steps;
  {
    auto current = writer_.statement(kSelectSteps);
    current.bindText(1, id);
    if (!current.step()) return false;
    steps = completedStepsFromJson(current.text(0));
  }
  if (std::find(steps.begin(), steps.end(), step) == steps.end()) {
    steps.emplace_back(step);
    writer_.statement(kUpdateSteps).bindText(1, id).bindText(2, completedStepsToJson(steps)).run();
  }
  tx.commit();
  return true;
}

std::size_t SqliteStore::purgeExpiredEnrolmentKeys(TimePoint now) {
  std::lock_guard lock(writerMutex_);
  writer_.statement(kPurge).bindInt(1, toUnix(now)).run();
  auto purged = static_cast<std::size_t>(sqlite3_changes(writer_.get()));
  writer_.statement(kPurgeRetired).bindInt(1, toUnix(now)).run();
  return purged + static_cast<std::size_t>(sqlite3_changes(writer_.get()));
}

}  // namespace rspf::store
