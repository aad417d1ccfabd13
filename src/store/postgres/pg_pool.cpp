#include "store/postgres/pg_pool.hpp"

#include <algorithm>

namespace rspf::store::postgres {
namespace {

bool transientState(const std::string& state) {
  // 08: connection exception; 57P01-57P03: the server shuts down or is starting (a failover);
  // 25006: a read-only transaction, i.e. connected to a standby not yet promoted.
  return state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03" || state == "25006";
}

}  // namespace

std::string firstLine(std::string_view text) {
  auto end = text.find('\n');
  std::string line(text.substr(0, end));
  if (line.starts_with("ERROR:  ")) line.erase(0, 8);
  return line;
}

Session::Session(const std::string& conninfo) : connection_(conninfo) {
  // Durable before the answer, whatever the server's default.
  pqxx::nontransaction(connection_).exec("SET synchronous_commit TO on");
}

const std::string& Session::use(const Statement& statement) {
  name_ = statement.name;
  if (prepared_.insert(name_).second) connection_.prepare(name_, statement.sql);
  return name_;
}

ConnectionPool::ConnectionPool(std::string conninfo, std::size_t size)
    : conninfo_(std::move(conninfo)), size_(std::max<std::size_t>(size, 1)) {}

ConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr && session_ != nullptr) pool_->release(std::move(session_), discard_);
}

ConnectionPool::Lease ConnectionPool::acquire(std::string_view doing, int attempt) {
  {
    std::unique_lock lock(mutex_);
    if (!available_.wait_for(lock, kAcquireTimeout, [&] { return !idle_.empty() || open_ < size_; }))
      throw Error(ErrorCode::Unavailable, "store: " + std::string(doing) + ": all " + std::to_string(size_) +
                                              " database connections stayed busy");
    if (!idle_.empty()) {
      auto session = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(session));
    }
    ++open_;  // reserved: connect outside the lock
  }
  try {
    return Lease(this, std::make_unique<Session>(conninfo_));
  } catch (const pqxx::pqxx_exception& e) {
    release(nullptr, true);
    failed(doing, e, attempt);
    return Lease();
  }
}

void ConnectionPool::release(std::unique_ptr<Session> session, bool discard) {
  std::lock_guard lock(mutex_);
  if (session && !discard && session->connection().is_open())
    idle_.push_back(std::move(session));
  else
    --open_;
  available_.notify_one();
}

bool ConnectionPool::isConnectionFailure(const pqxx::pqxx_exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) return true;
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) return true;
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) return transientState(sql->sqlstate());
  return false;
}

void ConnectionPool::failed(std::string_view doing, const pqxx::pqxx_exception& e, int attempt) {
  const std::string what = firstLine(e.base().what());
  const std::string where = "store: " + std::string(doing) + ": ";
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr)
    throw Error(ErrorCode::Unavailable,
                where + "the database connection was lost during COMMIT; the outcome is unknown");
  bool transient = dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr ||
                   dynamic_cast<const pqxx::transaction_rollback*>(&e) != nullptr;
  std::string state;
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    state = sql->sqlstate();
    transient = transient || transientState(state);
    if (dynamic_cast<const pqxx::unique_violation*>(&e) != nullptr)
      throw Error(ErrorCode::Conflict, where + "it already exists");
    // Class 22: a value PostgreSQL cannot hold as given (text that is not UTF-8, ...).
    if (state.starts_with("22")) throw Error(ErrorCode::BadRequest, where + "a value cannot be stored: " + what);
  }
  if (!transient) throw Error(ErrorCode::Store, where + what + (state.empty() ? "" : " (SQLSTATE " + state + ")"));
  if (attempt >= kAttempts) throw Error(ErrorCode::Unavailable, where + "the database is unavailable: " + what);
  backOff(attempt);
}

void ConnectionPool::backOff(int attempt) {
  // 50, 100, 200, 400, 800 ms: about 1.5 s of waiting over the attempts, enough for a promotion
  // on the same site, short enough that the client's own retry takes over after 503.
  std::this_thread::sleep_for(std::chrono::milliseconds(50) * (1 << std::min(attempt - 1, 5)));
}

}  // namespace rspf::store::postgres
