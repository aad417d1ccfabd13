// SqliteStore::readTogether: one read transaction for the lookups of one request. The scope holds a
// read connection, so other threads use the other ones; it ends the transaction when it goes away,
// and a connection whose transaction would not end is closed (reopened on its next use) rather than
// kept on an old snapshot.
#include "common/error.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace rspf::store {
namespace {

struct HeldSnapshot {
  const SqliteStore* store = nullptr;
  void* slot = nullptr;  // SqliteStore::ReaderSlot, private to the store
};
thread_local HeldSnapshot held;

constexpr std::string_view kBegin = "BEGIN";
constexpr std::string_view kCommit = "COMMIT";

}  // namespace

class SqliteStore::SnapshotScope final : public Store::ReadScope {
 public:
  SnapshotScope(const SqliteStore& store, ReadLease lease, ReaderSlot& slot) : lease_(std::move(lease)), slot_(slot) {
    // Deferred: the read transaction starts with the first lookup and holds its snapshot to the end.
    // Both statements are prepared once per connection (parsing them cost more than the lookups).
    slot_.db.statement(kBegin).run();
    held = {&store, &slot_};
  }
  SnapshotScope(const SnapshotScope&) = delete;
  SnapshotScope& operator=(const SnapshotScope&) = delete;
  ~SnapshotScope() override {
    held = {};
    if (!ended()) slot_.db = sqlite::Database();
  }

 private:
  bool ended() noexcept {
    try {
      if (slot_.db.statement(kCommit).tryRun() == SQLITE_DONE) return true;
    } catch (...) {  // the statement could not be prepared: end it the plain way
    }
    return sqlite3_exec(slot_.db.get(), "ROLLBACK", nullptr, nullptr, nullptr) == SQLITE_OK;
  }

  ReadLease lease_;
  ReaderSlot& slot_;
};

SqliteStore::ReaderSlot* SqliteStore::snapshotSlotOf(const SqliteStore* store) {
  return held.store == store ? static_cast<ReaderSlot*>(held.slot) : nullptr;
}

std::unique_ptr<Store::ReadScope> SqliteStore::readTogether() {
  if (snapshotSlotOf(this) != nullptr) return nullptr;  // already inside one
  auto lease = reader();
  ReaderSlot& slot = *lease.operator->();
  return std::make_unique<SnapshotScope>(*this, std::move(lease), slot);
}

}  // namespace rspf::store
