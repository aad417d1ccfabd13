// SqliteStore::readTogether: one read transaction for the lookups of one request. The scope holds a
// read connection, so other threads use the other ones; it ends the transaction when it goes away,
// and a connection whose transaction would not end is closed (reopened on its next use) rather than
// kept on an old snapshot.
#include "common/error.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace rspf::store {
namespace {

// Prepared once per connection, as every statement is (parsing them cost more than the lookups).
constexpr std::string_view kBegin = "BEGIN";
constexpr std::string_view kCommit = "COMMIT";

}  // namespace

thread_local SqliteStore::HeldSnapshot SqliteStore::heldSnapshot_;

class SqliteStore::SnapshotScope final : public Store::ReadScope {
 public:
  SnapshotScope(const SqliteStore& store, ReadLease lease) : lease_(std::move(lease)) {
    // Deferred: the read transaction starts with the first lookup and holds its snapshot to the end.
    lease_->db.statement(kBegin).run();
    heldSnapshot_ = {&store, lease_.operator->()};
  }
  SnapshotScope(const SnapshotScope&) = delete;
  SnapshotScope& operator=(const SnapshotScope&) = delete;
  ~SnapshotScope() override {
    heldSnapshot_ = {};
    if (!ended()) lease_->db = sqlite::Database();
  }

 private:
  bool ended() noexcept {
    try {
      if (lease_->db.statement(kCommit).tryRun() == SQLITE_DONE) return true;
    } catch (...) {  // the statement could not be prepared: end it the plain way
    }
    return sqlite3_exec(lease_->db.get(), "ROLLBACK", nullptr, nullptr, nullptr) == SQLITE_OK;
  }

  ReadLease lease_;
};

std::unique_ptr<Store::ReadScope> SqliteStore::readTogether() {
  if (heldSnapshot_.store == this) return nullptr;  // already inside one
  return std::make_unique<SnapshotScope>(*this, reader());
}

}  // namespace rspf::store
