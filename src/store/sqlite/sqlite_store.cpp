#include "store/sqlite/sqlite_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.hpp"
#include "store/audit_chain.hpp"
#include "store/sealing.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/open_sqlite_store.hpp"

namespace rspf::store {
namespace {

std::string inQuotes(std::string_view s) { return "'" + std::string(s) + "'"; }

// Files created while this lives are private to the owner (SQLite creates -wal and -shm itself).
// The umask is per process: the mutex keeps two stores opening at once from restoring each
// other's 077.
class PrivateFileCreation {
 public:
  PrivateFileCreation() : lock_(mutex()), previous_(::umask(077)) {}
  PrivateFileCreation(const PrivateFileCreation&) = delete;
  PrivateFileCreation& operator=(const PrivateFileCreation&) = delete;
  ~PrivateFileCreation() { ::umask(previous_); }

 private:
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  std::lock_guard<std::mutex> lock_;
  mode_t previous_;
};

// Creates the database file with mode 0600 unless it exists, so SQLite never creates it with the
// process umask.
void createDatabaseFile(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC | O_NOCTTY, 0600);
  if (fd < 0)
    throw Error(ErrorCode::Config,
                "cannot open or create store " + inQuotes(path.c_str()) + ": " + std::strerror(errno));
  ::close(fd);
}

void restrictWalFiles(const std::filesystem::path& path) {
  for (const char* suffix : {"-wal", "-shm"}) {
    const std::string sibling = path.string() + suffix;
    if (::chmod(sibling.c_str(), 0600) != 0 && errno != ENOENT)
      throw Error(ErrorCode::Store,
                  "cannot restrict the permissions of " + inQuotes(sibling.c_str()) + ": " + std::strerror(errno));
  }
}

sqlite::Connection openConnection(const std::filesystem::path& path, int flags) {
  sqlite3* raw = nullptr;
  // Each connection is used by one thread at a time (the writer mutex, a reader slot's mutex).
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  sqlite::Connection db(raw);
  if (rc != SQLITE_OK)
    throw Error(ErrorCode::Store, "cannot open store " + inQuotes(path.c_str()) + ": " +
                                      (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  sqlite3_extended_result_codes(db.get(), 1);
  if (sqlite3_busy_timeout(db.get(), 5000) != SQLITE_OK) sqlite::throwStoreError(db.get(), "setting busy_timeout");
  return db;
}

void configureWriter(sqlite3* db, const std::filesystem::path& path) {
  sqlite::Statement wal(db, "PRAGMA journal_mode=WAL");
  if (!wal.step() || wal.text(0) != "wal")
    throw Error(ErrorCode::Store, "store " + inQuotes(path.c_str()) + " cannot use the WAL journal mode");
  // FULL: each enrolment is durable before the Enrolee gets its answer.
  sqlite::execute(db, "PRAGMA synchronous=FULL", "setting synchronous=FULL");
  sqlite::execute(db, "PRAGMA foreign_keys=ON", "enabling foreign keys");
}

}  // namespace

SqliteStore::SqliteStore(const std::filesystem::path& path, KeyEncryptionKey kek)
    : path_(path), kek_(std::move(kek)), auditKey_(deriveAuditKey(kek_)) {
  PrivateFileCreation privateFiles;
  createDatabaseFile(path);
  writer_ = sqlite::Database(openConnection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  configureWriter(writer_.get(), path);
  restrictWalFiles(path);
  sqlite::migrate(writer_.get());
  checkKeyEncryptionKey();
  writerThread_ = std::thread([this] { runWriter(); });
}

SqliteStore::~SqliteStore() {
  {
    std::lock_guard lock(queueMutex_);
    stopping_ = true;
    queueReady_.notify_one();
  }
  writerThread_.join();
}

SqliteStore::ReadLease SqliteStore::reader() {
  if (heldSnapshot_.store == this) return ReadLease(std::unique_lock<std::mutex>(), *heldSnapshot_.slot);
  // A free slot if there is one, else wait for the first one tried.
  const std::size_t first = nextReader_.fetch_add(1, std::memory_order_relaxed) % kReaders;
  std::unique_lock<std::mutex> lock;
  std::size_t index = first;
  for (std::size_t i = 0; i < kReaders; ++i) {
    const std::size_t candidate = (first + i) % kReaders;
    std::unique_lock<std::mutex> attempt(readers_[candidate].mutex, std::try_to_lock);
    if (attempt.owns_lock()) {
      lock = std::move(attempt);
      index = candidate;
      break;
    }
  }
  if (!lock.owns_lock()) lock = std::unique_lock<std::mutex>(readers_[index].mutex);
  ReaderSlot& slot = readers_[index];
  if (!slot.db) {
    // The writer connection keeps the -wal and -shm files in existence: nothing is created here.
    sqlite::Database db(openConnection(path_, SQLITE_OPEN_READWRITE));
    sqlite::execute(db.get(), "PRAGMA query_only=ON", "making a read connection read-only");
    slot.db = std::move(db);
  }
  return ReadLease(std::move(lock), slot);
}

void SqliteStore::checkKeyEncryptionKey() {
  sqlite3* db = writer_.get();
  const char* select = "SELECT value FROM meta WHERE name = 'kek_check'";
  if (!sqlite::Statement(db, select).step()) {
    // A new store. OR IGNORE: another process may have written its check value meanwhile; the
    // comparison below then decides.
    sqlite::WriteTransaction tx(db);
    sqlite::Statement(db, "INSERT OR IGNORE INTO meta (name, value) VALUES ('kek_check', ?1)")
        .bindBlob(1, sealKekCheck(kek_))
        .run();
    tx.commit();
  }
  sqlite::Statement stored(db, select);
  if (!stored.step()) sqlite::throwStoreError(db, "reading the key-encryption key check");
  requireKekCheck(kek_, stored.blob(0));
}

int SqliteStore::schemaVersion() {
  auto read = reader();
  return sqlite::readSchemaVersion(read->db.get());
}

std::unique_ptr<Store> openSqliteStore(const std::filesystem::path& path, KeyEncryptionKey kek) {
  // Refused like key files: a store (or backup) others may read is a leak waiting to happen.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    throw Error(ErrorCode::Config, "the store " + inQuotes(path.c_str()) +
                                       " is accessible by group or others; run: chmod 600 " + inQuotes(path.c_str()));
  return std::make_unique<SqliteStore>(path, std::move(kek));
}

}  // namespace rspf::store
