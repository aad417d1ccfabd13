// The BSF's subscriber data in an SQLite file of its own (WAL, synchronous=FULL: one fdatasync per
// commit, durable before the answer).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "bsf/subscriber_backend.hpp"
#include "common/error.hpp"
#include "store/sqlite/sqlite_statement.hpp"

namespace rspf::bsf {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS subscribers (
  impi TEXT PRIMARY KEY,
  k BLOB NOT NULL,
  opc BLOB NOT NULL,
  sqn INTEGER NOT NULL,
  guss TEXT NOT NULL,
  uicc INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS bootstrapping_sessions (
  btid TEXT PRIMARY KEY,
  impi TEXT NOT NULL REFERENCES subscribers(impi),
  rand BLOB NOT NULL,
  ks BLOB NOT NULL,
  uicc INTEGER NOT NULL,
  expiry INTEGER NOT NULL);
)sql";

store::sqlite::Connection open(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC | O_NOCTTY, 0600);
  if (fd < 0) throw Error(ErrorCode::Config, "cannot open or create '" + path.string() + "': " + std::strerror(errno));
  ::close(fd);
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  store::sqlite::Connection db(raw);
  if (rc != SQLITE_OK)
    throw Error(ErrorCode::Store, "cannot open the subscriber store '" + path.string() +
                                      "': " + (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  sqlite3_busy_timeout(db.get(), 5000);
  store::sqlite::execute(db.get(), "PRAGMA journal_mode=WAL", "setting the WAL journal mode");
  store::sqlite::execute(db.get(), "PRAGMA synchronous=FULL", "setting synchronous=FULL");
  store::sqlite::execute(db.get(), "PRAGMA foreign_keys=ON", "enabling foreign keys");
  store::sqlite::execute(db.get(), kSchema, "creating the subscriber tables");
  for (const char* suffix : {"-wal", "-shm"}) {
    std::string sibling = path.string() + suffix;
    if (::chmod(sibling.c_str(), 0600) != 0 && errno != ENOENT)
      throw Error(ErrorCode::Store, "cannot restrict the permissions of '" + sibling + "': " + std::strerror(errno));
  }
  return db;
}

// Columns 0-3: impi, sqn, guss, uicc.
SealedSubscriber subscriberRow(const store::sqlite::Statement& q) {
  return {q.text(0), {}, {}, static_cast<std::uint64_t>(q.integer(1)), q.text(2), q.integer(3) != 0};
}

class SqliteSubscriberBackend final : public SubscriberBackend {
 public:
  explicit SqliteSubscriberBackend(const std::filesystem::path& path) : db_(open(path)) {}

  crypto::Bytes kekCheck(const crypto::Bytes& sealed) override {
    std::lock_guard lock(mutex_);
    db_.statement("INSERT OR IGNORE INTO meta (name, value) VALUES ('kek_check', ?1)").bindBlob(1, sealed).run();
    auto read = db_.statement("SELECT value FROM meta WHERE name = 'kek_check'");
    if (!read.step()) throw Error(ErrorCode::Store, "the subscriber store has no key-encryption key check");
    return read.blob(0);
  }

  bool insertSubscriber(const SealedSubscriber& s) override {
    std::lock_guard lock(mutex_);
    db_.statement(
           "INSERT INTO subscribers (impi, k, opc, sqn, guss, uicc) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
           "ON CONFLICT(impi) DO NOTHING")
        .bindText(1, s.impi)
        .bindBlob(2, s.kSealed)
        .bindBlob(3, s.opcSealed)
        .bindInt(4, static_cast<std::int64_t>(s.sqn))
        .bindText(5, s.nafFqdnsJson)
        .bindInt(6, s.uicc ? 1 : 0)
        .run();
    return sqlite3_changes(db_.get()) > 0;
  }

  std::optional<SealedSubscriber> findSubscriber(std::string_view impi) override {
    std::lock_guard lock(mutex_);
    auto q = db_.statement("SELECT impi, sqn, guss, uicc, k, opc FROM subscribers WHERE impi = ?1");
    q.bindText(1, impi);
    if (!q.step()) return std::nullopt;
    SealedSubscriber s = subscriberRow(q);
    s.kSealed = q.blob(4);
    s.opcSealed = q.blob(5);
    return s;
  }

  std::vector<SealedSubscriber> listSubscribers() override {
    std::lock_guard lock(mutex_);
    auto q = db_.statement("SELECT impi, sqn, guss, uicc FROM subscribers ORDER BY impi");
    std::vector<SealedSubscriber> out;
    while (q.step()) out.push_back(subscriberRow(q));
    return out;
  }

  std::optional<std::uint64_t> nextSqn(std::string_view impi) override {
    std::lock_guard lock(mutex_);
    auto q = db_.statement("UPDATE subscribers SET sqn = sqn + 1 WHERE impi = ?1 RETURNING sqn");
    q.bindText(1, impi);
    if (!q.step()) return std::nullopt;
    return static_cast<std::uint64_t>(q.integer(0));
  }

  void resetSqn(std::string_view impi, std::uint64_t sqn) override {
    std::lock_guard lock(mutex_);
    db_.statement("UPDATE subscribers SET sqn = ?2 WHERE impi = ?1")
        .bindText(1, impi)
        .bindInt(2, static_cast<std::int64_t>(sqn))
        .run();
  }

  void saveSession(const SealedSession& s) override {
    std::lock_guard lock(mutex_);
    db_.statement(
           "INSERT OR REPLACE INTO bootstrapping_sessions (btid, impi, rand, ks, uicc, expiry) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .bindText(1, s.btid)
        .bindText(2, s.impi)
        .bindBlob(3, s.rand)
        .bindBlob(4, s.ksSealed)
        .bindInt(5, s.uicc ? 1 : 0)
        .bindInt(6, s.expiry)
        .run();
  }

  std::optional<SealedSession> findSession(std::string_view btid) override {
    std::lock_guard lock(mutex_);
    auto q = db_.statement("SELECT btid, impi, rand, ks, uicc, expiry FROM bootstrapping_sessions WHERE btid = ?1");
    q.bindText(1, btid);
    if (!q.step()) return std::nullopt;
    return SealedSession{q.text(0), q.text(1), q.blob(2), q.blob(3), q.integer(4) != 0, q.integer(5)};
  }

  std::size_t purgeExpiredSessions(std::int64_t now) override {
    std::lock_guard lock(mutex_);
    db_.statement("DELETE FROM bootstrapping_sessions WHERE expiry <= ?1").bindInt(1, now).run();
    return static_cast<std::size_t>(sqlite3_changes(db_.get()));
  }

 private:
  std::mutex mutex_;
  store::sqlite::Database db_;
};

}  // namespace

std::unique_ptr<SubscriberBackend> openSqliteSubscriberBackend(const std::filesystem::path& path) {
  return std::make_unique<SqliteSubscriberBackend>(path);
}

}  // namespace rspf::bsf
