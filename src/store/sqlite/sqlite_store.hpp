#pragma once
// The MEF's store on SQLite: one connection guarded by a mutex, WAL journal, synchronous=FULL
// (an enrolment is on disk before its answer), secrets sealed under the key-encryption key with
// associated data naming their row.
#include <filesystem>
#include <mutex>

#include "store/key_encryption_key.hpp"
#include "store/sqlite/sqlite_statement.hpp"
#include "store/store.hpp"

namespace rspf::store {

class SqliteStore final : public Store {
 public:
  // Creates the database (mode 0600) if needed, migrates it and checks the KEK against it.
  SqliteStore(const std::filesystem::path& path, KeyEncryptionKey kek);

  void addEnrolee(const Enrolee& enrolee) override;
  std::optional<Enrolee> findEnrolee(std::string_view enroleeId) override;
  std::optional<Enrolee> findEnroleeByKpmId(std::string_view kpmId) override;
  std::vector<Enrolee> listEnrolees() override;
  bool setEnroleeEnabled(std::string_view enroleeId, bool enabled) override;
  bool setEnroleePolicy(std::string_view enroleeId, const EnrolmentPolicy& policy) override;
  bool removeEnrolee(std::string_view enroleeId) override;

  TokenRefusal commitEnrolment(EnrolmentKey key, const std::optional<TokenUse>& token,
                               TimePoint now) override;
  std::optional<EnrolmentKey> findEnrolmentKey(std::string_view relativeKeId) override;
  std::optional<EnrolmentKey> findEnrolmentKeyByKreId(std::string_view kreId) override;
  std::optional<EnrolmentKey> findEnrolmentKeyOf(std::string_view enroleeId) override;
  bool recordCompletedStep(std::string_view relativeKeId, std::string_view step) override;
  std::size_t purgeExpiredEnrolmentKeys(TimePoint now) override;

  void addTarget(const EnrolmentTarget& target) override;
  std::optional<EnrolmentTarget> findTarget(std::string_view targetId) override;
  std::vector<EnrolmentTarget> listTargets() override;
  bool removeTarget(std::string_view targetId) override;

  void addToken(const EnrolmentToken& token) override;
  std::optional<EnrolmentToken> findToken(std::string_view tokenId) override;
  std::vector<EnrolmentToken> listTokens() override;
  bool revokeToken(std::string_view tokenId) override;

  int schemaVersion() override;

 private:
  void checkKeyEncryptionKey();
  Enrolee readEnrolee(const sqlite::Statement& row) const;
  EnrolmentKey readEnrolmentKey(const sqlite::Statement& row) const;
  std::optional<EnrolmentKey> findEnrolmentKeyWhere(const char* column, std::string_view value);
  // Checks and consumes `token` for `key` inside the caller's transaction.
  TokenRefusal consumeToken(const TokenUse& token, EnrolmentKey& key, TimePoint now);

  std::mutex mutex_;
  KeyEncryptionKey kek_;
  sqlite::Connection db_;
};

}  // namespace rspf::store
