#pragma once
// A bounded pool of PostgreSQL connections (libpqxx 6.4) and the one place where a database
// failure becomes the project's Error.
//
// Connections are opened on first use, up to `size`; a caller waits up to kAcquireTimeout for a free
// one, then gets Error(Unavailable). Each connection sets synchronous_commit = on (a COMMIT returns
// only once durable, on the synchronous standby too when one is configured) and prepares each
// statement on its first use.
//
// run() retries where that is safe: a connection lost before COMMIT was sent, a serialization
// failure or a deadlock roll the transaction back, so the work runs again on a fresh connection
// (libpq's multi-host URL then finds the new primary after a failover). A connection lost during
// COMMIT leaves the outcome unknown: that is Error(Unavailable) at once, as is a failure that
// outlasts the retries. The MEF answers Unavailable with 503 and Retry-After. Messages carry the
// server's first line and SQLSTATE, never a bound value.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <vector>

#include "common/error.hpp"
#include "store/policy_json.hpp"

namespace rspf::store::postgres {

// A statement prepared by name on each connection that uses it. `name` must be unique.
struct Statement {
  const char* name;
  const char* sql;
};

// One pooled connection and what is cached on it.
class Session {
 public:
  explicit Session(const std::string& conninfo);
  pqxx::connection& connection() { return connection_; }
  PolicyCache& policies() { return policies_; }
  // The statement's name, prepared on this connection (on its first use here).
  const std::string& use(const Statement& statement);

 private:
  pqxx::connection connection_;
  PolicyCache policies_;
  std::unordered_set<std::string> prepared_;
  std::string name_;
};

class ConnectionPool {
 public:
  static constexpr std::chrono::seconds kAcquireTimeout{10};
  static constexpr int kAttempts = 6;  // with back-off: about 3 s before giving up

  ConnectionPool(std::string conninfo, std::size_t size);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Runs `work(Session&)` (which opens its own transaction) with the retries above. `doing` names
  // the operation for messages ("adding an Enrolee").
  template <typename Work>
  auto run(std::string_view doing, Work&& work) {
    for (int attempt = 1;; ++attempt) {
      Lease lease = acquire(doing, attempt);
      if (!lease) continue;
      try {
        return work(*lease);
      } catch (const pqxx::pqxx_exception& e) {
        lease.discardIf(isConnectionFailure(e));
        failed(doing, e, attempt);  // throws unless worth another attempt
      }
    }
  }

  const std::string& conninfo() const { return conninfo_; }

 private:
  // A session held for one run; back to the pool (or closed, when discarded) at its end.
  class Lease {
   public:
    Lease() = default;
    Lease(ConnectionPool* pool, std::unique_ptr<Session> session) : pool_(pool), session_(std::move(session)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    explicit operator bool() const { return session_ != nullptr; }
    Session& operator*() const { return *session_; }
    void discardIf(bool broken) { discard_ = discard_ || broken; }

   private:
    ConnectionPool* pool_ = nullptr;
    std::unique_ptr<Session> session_;
    bool discard_ = false;
  };

  // A free session, or a new one; an empty lease after a failed connection attempt that may be
  // retried (throws once `attempt` is the last).
  Lease acquire(std::string_view doing, int attempt);
  void release(std::unique_ptr<Session> session, bool discard);
  static bool isConnectionFailure(const pqxx::pqxx_exception& e);
  // Rethrows the failure as an Error unless it is transient and attempts remain; then backs off.
  void failed(std::string_view doing, const pqxx::pqxx_exception& e, int attempt);
  static void backOff(int attempt);

  const std::string conninfo_;
  const std::size_t size_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Session>> idle_;
  std::size_t open_ = 0;  // sessions in use or idle
};

// The exception's first line (libpq adds DETAIL and HINT lines, which may quote values).
std::string firstLine(std::string_view text);

}  // namespace rspf::store::postgres
