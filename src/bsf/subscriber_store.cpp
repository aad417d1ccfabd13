#include "bsf/subscriber_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "crypto/identifiers.hpp"

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

constexpr std::string_view kKekCheck = "rspf-bsf-kek-check";

std::string where(std::string_view table, std::string_view column, std::string_view row) {
  return "bsf/" + std::string(table) + "/" + std::string(column) + "/" + std::string(row);
}

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
  // WAL: one fdatasync per commit (an SQN step, a bootstrapping session), durable before the answer.
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

std::string gussJson(const GbaUserSecuritySettings& guss) { return nlohmann::json(guss.nafFqdns).dump(); }

// Columns 0-3: impi, sqn, guss, uicc (K and OPc are not read here).
Subscriber subscriberRow(const store::sqlite::Statement& q) {
  Subscriber s;
  s.impi = q.text(0);
  s.sqn = static_cast<std::uint64_t>(q.integer(1));
  s.guss.nafFqdns = nlohmann::json::parse(q.text(2)).get<std::vector<std::string>>();
  s.guss.uicc = q.integer(3) != 0;
  return s;
}

}  // namespace

bool GbaUserSecuritySettings::allowsNaf(std::string_view fqdn) const {
  for (const auto& naf : nafFqdns)
    if (crypto::equalsIgnoreCase(naf, fqdn)) return true;
  return false;
}

SubscriberStore::SubscriberStore(const std::filesystem::path& path, store::KeyEncryptionKey kek)
    : kek_(std::move(kek)), db_(open(path)) {
  auto read = db_.statement("SELECT value FROM meta WHERE name = 'kek_check'");
  if (read.step()) {
    kek_.open(read.blob(0), where("meta", "value", "kek_check"));  // throws on a wrong KEK
    return;
  }
  db_.statement("INSERT INTO meta (name, value) VALUES ('kek_check', ?1)")
      .bindBlob(1, kek_.seal(crypto::asBytes(kKekCheck), where("meta", "value", "kek_check")))
      .run();
}

void SubscriberStore::addSubscriber(const Subscriber& s) {
  std::lock_guard lock(mutex_);
  auto insert = db_.statement(
      "INSERT INTO subscribers (impi, k, opc, sqn, guss, uicc) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
      "ON CONFLICT(impi) DO NOTHING");
  insert.bindText(1, s.impi)
      .bindBlob(2, kek_.seal(s.k.view(), where("subscribers", "k", s.impi)))
      .bindBlob(3, kek_.seal(s.opc.view(), where("subscribers", "opc", s.impi)))
      .bindInt(4, static_cast<std::int64_t>(s.sqn))
      .bindText(5, gussJson(s.guss))
      .bindInt(6, s.guss.uicc ? 1 : 0)
      .run();
  if (sqlite3_changes(db_.get()) == 0) throw Error(ErrorCode::Conflict, "subscriber '" + s.impi + "' already exists");
}

std::optional<Subscriber> SubscriberStore::findSubscriber(std::string_view impi) {
  std::lock_guard lock(mutex_);
  auto q = db_.statement("SELECT impi, sqn, guss, uicc, k, opc FROM subscribers WHERE impi = ?1");
  q.bindText(1, impi);
  if (!q.step()) return std::nullopt;
  Subscriber s = subscriberRow(q);
  s.k = kek_.open(q.blob(4), where("subscribers", "k", s.impi));
  s.opc = kek_.open(q.blob(5), where("subscribers", "opc", s.impi));
  return s;
}

std::vector<Subscriber> SubscriberStore::listSubscribers() {
  std::lock_guard lock(mutex_);
  auto q = db_.statement("SELECT impi, sqn, guss, uicc FROM subscribers ORDER BY impi");
  std::vector<Subscriber> out;
  while (q.step()) out.push_back(subscriberRow(q));
  return out;
}

std::uint64_t SubscriberStore::nextSqn(std::string_view impi) {
  std::lock_guard lock(mutex_);
  auto q = db_.statement("UPDATE subscribers SET sqn = sqn + 1 WHERE impi = ?1 RETURNING sqn");
  q.bindText(1, impi);
  if (!q.step()) throw Error(ErrorCode::NotFound, "unknown subscriber '" + std::string(impi) + "'");
  return static_cast<std::uint64_t>(q.integer(0));
}

void SubscriberStore::resetSqn(std::string_view impi, std::uint64_t sqn) {
  std::lock_guard lock(mutex_);
  db_.statement("UPDATE subscribers SET sqn = ?2 WHERE impi = ?1")
      .bindText(1, impi)
      .bindInt(2, static_cast<std::int64_t>(sqn))
      .run();
}

void SubscriberStore::saveSession(const BootstrappingSession& s) {
  std::lock_guard lock(mutex_);
  db_.statement(
         "INSERT OR REPLACE INTO bootstrapping_sessions (btid, impi, rand, ks, uicc, expiry) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
      .bindText(1, s.btid)
      .bindText(2, s.impi)
      .bindBlob(3, s.rand)
      .bindBlob(4, kek_.seal(s.ks.view(), where("bootstrapping_sessions", "ks", s.btid)))
      .bindInt(5, s.uicc ? 1 : 0)
      .bindInt(6, toUnix(s.expiry))
      .run();
}

std::optional<BootstrappingSession> SubscriberStore::findSession(std::string_view btid) {
  std::lock_guard lock(mutex_);
  auto q = db_.statement("SELECT btid, impi, rand, ks, uicc, expiry FROM bootstrapping_sessions WHERE btid = ?1");
  q.bindText(1, btid);
  if (!q.step()) return std::nullopt;
  BootstrappingSession s;
  s.btid = q.text(0);
  s.impi = q.text(1);
  s.rand = q.blob(2);
  s.ks = kek_.open(q.blob(3), where("bootstrapping_sessions", "ks", s.btid));
  s.uicc = q.integer(4) != 0;
  s.expiry = fromUnix(q.integer(5));
  return s;
}

std::size_t SubscriberStore::purgeExpiredSessions(TimePoint now) {
  std::lock_guard lock(mutex_);
  db_.statement("DELETE FROM bootstrapping_sessions WHERE expiry <= ?1").bindInt(1, toUnix(now)).run();
  return static_cast<std::size_t>(sqlite3_changes(db_.get()));
}

}  // namespace rspf::bsf
