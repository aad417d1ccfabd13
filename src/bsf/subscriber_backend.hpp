#pragma once
// Where the BSF's subscriber data lives: SQL only. SubscriberStore (subscriber_store.hpp) seals K,
// OPc and Ks before they reach a backend and opens them after; a backend stores what it is given.
// SQLite (one BSF) or PostgreSQL (several BSF instances on one database: nextSqn is one atomic
// UPDATE ... RETURNING, so no two instances ever hand out the same SQN).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/secret_bytes.hpp"
#include "store/store_settings.hpp"

namespace rspf::bsf {

struct SealedSubscriber {
  std::string impi;
  crypto::Bytes kSealed;    // empty when listed
  crypto::Bytes opcSealed;  // empty when listed
  std::uint64_t sqn = 0;
  std::string nafFqdnsJson;
  bool uicc = false;
};

struct SealedSession {
  std::string btid;
  std::string impi;
  crypto::Bytes rand;
  crypto::Bytes ksSealed;
  bool uicc = false;
  std::int64_t expiry = 0;  // Unix seconds
};

class SubscriberBackend {
 public:
  virtual ~SubscriberBackend() = default;
  // Stores `sealed` as the KEK check unless one is stored; returns the stored one.
  virtual crypto::Bytes kekCheck(const crypto::Bytes& sealed) = 0;
  virtual bool insertSubscriber(const SealedSubscriber& s) = 0;  // false when the IMPI exists
  virtual std::optional<SealedSubscriber> findSubscriber(std::string_view impi) = 0;
  virtual std::vector<SealedSubscriber> listSubscribers() = 0;              // without K and OPc
  virtual std::optional<std::uint64_t> nextSqn(std::string_view impi) = 0;  // nullopt: unknown
  virtual void resetSqn(std::string_view impi, std::uint64_t sqn) = 0;
  virtual void saveSession(const SealedSession& s) = 0;
  virtual std::optional<SealedSession> findSession(std::string_view btid) = 0;
  virtual std::size_t purgeExpiredSessions(std::int64_t now) = 0;
};

std::unique_ptr<SubscriberBackend> openSqliteSubscriberBackend(const std::filesystem::path& path);
std::unique_ptr<SubscriberBackend> openPostgresSubscriberBackend(const std::string& url, std::size_t poolSize);

}  // namespace rspf::bsf
