// Group commit: concurrent commitEnrolment calls share one transaction and one fdatasync, each
// enrolment in its own savepoint (a refusal or an error undoes that enrolment only); lookups run
// on their own connections and never wait for the writer.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <latch>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "sqlite_store_fixture.hpp"
#include "store/policy_json.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace rspf::store {
namespace {

using namespace std::chrono_literals;
using testing::kT0;
using testing::sameBytes;
using testing::sampleEnrolee;
using testing::sampleKey;
using testing::sampleToken;

TokenUse use(std::string_view value) { return TokenUse{crypto::sha256(crypto::asBytes(value))}; }

// Holds the database's write lock through a connection of its own, as another process would: the
// writer thread's next BEGIN IMMEDIATE waits (busy_timeout) until release(), and enrolments queue
// up behind it.
class WriteLockHolder {
 public:
  explicit WriteLockHolder(const std::filesystem::path& path) {
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db_);
  }
  WriteLockHolder(const WriteLockHolder&) = delete;
  WriteLockHolder& operator=(const WriteLockHolder&) = delete;
  ~WriteLockHolder() {
    release();
    sqlite3_close_v2(db_);
  }
  void release() {
    if (held_) {
      EXPECT_EQ(sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
    }
    held_ = false;
  }

 private:
  sqlite3* db_ = nullptr;
  bool held_ = true;
};

// Polls until `condition` holds (at most 10 s).
bool eventually(auto&& condition) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

class SqliteStoreGroupCommit : public testing::SqliteStoreTest {
 protected:
  std::unique_ptr<SqliteStore> openSqlite() {
    return std::make_unique<SqliteStore>(dbPath(), KeyEncryptionKey(kekBytes));
  }

  // Starts one commitEnrolment on its own thread and waits until it is queued behind the held
  // write lock, so that the enrolments started this way run in that order in one batch.
  std::future<TokenRefusal> enqueue(SqliteStore& s, EnrolmentKey key, std::optional<TokenUse> token) {
    const std::size_t before = s.queuedEnrolments();
    auto f = std::async(std::launch::async, [&s, key = std::move(key), token = std::move(token)] {
      return s.commitEnrolment(key, token, kT0);
    });
    EXPECT_TRUE(eventually([&] { return s.queuedEnrolments() == before + 1; }));
    return f;
  }

  // Starts an enrolment the writer thread takes and then waits with, behind `lock`.
  std::future<TokenRefusal> startBlockedBatch(SqliteStore& s) {
    s.addEnrolee(sampleEnrolee("blocker.example.com", ""));
    auto lock = std::make_unique<WriteLockHolder>(dbPath());
    lock_ = std::move(lock);
    auto f = std::async(std::launch::async,
                        [&s] { return s.commitEnrolment(sampleKey("blocker.example.com"), std::nullopt, kT0); });
    // Taken by the writer thread, which now waits for the write lock.
    EXPECT_TRUE(eventually([&] { return s.queuedEnrolments() == 0 && s.enrolmentsBeingCommitted() == 1; }));
    return f;
  }

  void releaseWriteLock() { lock_.reset(); }

  std::unique_ptr<WriteLockHolder> lock_;
};

ErrorCode errorCodeOf(std::future<TokenRefusal>& f) {
  try {
    f.get();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no rspf::Error thrown";
  return ErrorCode::Internal;
}

TEST_F(SqliteStoreGroupCommit, ManyThreadsCommitDurablyInFewerTransactionsThanEnrolments) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  std::vector<EnrolmentKey> keys;
  auto store = openSqlite();
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kPerThread; ++i) {
      const std::string id = "e" + std::to_string(t) + "-" + std::to_string(i) + ".example.com";
      store->addEnrolee(sampleEnrolee(id, "kpm-" + id));
      keys.push_back(sampleKey(id));
    }
  const std::uint64_t batchesBefore = store->commitBatches();
  std::latch start(kThreads);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i)
        if (store->commitEnrolment(keys[static_cast<std::size_t>(t * kPerThread + i)], std::nullopt, kT0) !=
            TokenRefusal::None)
          ++failures;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  const std::uint64_t batches = store->commitBatches() - batchesBefore;
  EXPECT_GE(batches, 1u);
  EXPECT_LT(batches, static_cast<std::uint64_t>(kThreads * kPerThread)) << "no group commit";
  // Visible at once to lookups, and durable: a new store on the file finds every key.
  for (const auto& k : keys) EXPECT_TRUE(store->findEnrolmentKey(k.relativeKeId));
  store.reset();
  auto reopened = open();
  for (const auto& k : keys) {
    auto found = reopened->findEnrolmentKeyOf(k.enroleeId);
    ASSERT_TRUE(found) << k.enroleeId;
    EXPECT_EQ(found->relativeKeId, k.relativeKeId);
    EXPECT_TRUE(sameBytes(found->ke, k.ke));
    EXPECT_TRUE(sameBytes(found->kre, k.kre));
  }
}

TEST_F(SqliteStoreGroupCommit, TwoUsesOfOneTokenInOneBatchCommitOnce) {
  auto store = openSqlite();
  store->addEnrolee(sampleEnrolee("a.example.com", "kpm-a"));
  store->addEnrolee(sampleEnrolee("b.example.com", "kpm-b"));
  store->addToken(sampleToken("t1", "value-1"));
  auto blocker = startBlockedBatch(*store);
  const std::uint64_t batchesBefore = store->commitBatches();
  EnrolmentKey keyA = sampleKey("a.example.com");
  EnrolmentKey keyB = sampleKey("b.example.com");
  auto first = enqueue(*store, keyA, use("value-1"));
  auto second = enqueue(*store, keyB, use("value-1"));
  releaseWriteLock();
  EXPECT_EQ(blocker.get(), TokenRefusal::None);
  EXPECT_EQ(first.get(), TokenRefusal::None);
  EXPECT_EQ(second.get(), TokenRefusal::AlreadyUsed);
  EXPECT_EQ(store->commitBatches() - batchesBefore, 2u);  // the blocker's, then both together
  EXPECT_TRUE(store->findEnrolmentKey(keyA.relativeKeId));
  EXPECT_FALSE(store->findEnrolmentKey(keyB.relativeKeId));
  EXPECT_FALSE(store->findEnrolmentKeyOf("b.example.com"));
  EXPECT_EQ(store->findToken("t1")->usedBy, "a.example.com");
  EXPECT_EQ(store->findEnrolmentKeyOf("a.example.com")->tokenId, "t1");
}

TEST_F(SqliteStoreGroupCommit, ARefusalOrAnErrorInABatchUndoesOnlyThatEnrolment) {
  auto store = openSqlite();
  for (const char* id : {"a.example.com", "b.example.com", "d.example.com", "e.example.com"})
    store->addEnrolee(sampleEnrolee(id, std::string("kpm-") + id));
  EnrolmentKey previousD = sampleKey("d.example.com");
  ASSERT_EQ(store->commitEnrolment(previousD, std::nullopt, kT0), TokenRefusal::None);
  store->addToken(sampleToken("ta", "value-a"));
  store->addToken(sampleToken("tc", "value-c"));
  store->addToken(sampleToken("te", "value-e"));

  auto blocker = startBlockedBatch(*store);
  const std::uint64_t batchesBefore = store->commitBatches();
  EnrolmentKey keyA = sampleKey("a.example.com");
  EnrolmentKey keyB = sampleKey("b.example.com");
  EnrolmentKey keyC = sampleKey("ghost.example.com");  // no such Enrolee
  EnrolmentKey keyD = sampleKey("d.example.com");
  keyD.kreId = keyA.kreId;  // taken by A earlier in the batch: a constraint error
  EnrolmentKey keyE = sampleKey("e.example.com");
  auto a = enqueue(*store, keyA, use("value-a"));
  auto b = enqueue(*store, keyB, use("never-issued"));
  auto c = enqueue(*store, keyC, use("value-c"));
  auto d = enqueue(*store, keyD, std::nullopt);
  auto e = enqueue(*store, keyE, use("value-e"));
  releaseWriteLock();
  EXPECT_EQ(blocker.get(), TokenRefusal::None);
  EXPECT_EQ(a.get(), TokenRefusal::None);
  EXPECT_EQ(b.get(), TokenRefusal::Unknown);
  EXPECT_EQ(errorCodeOf(c), ErrorCode::NotFound);
  EXPECT_EQ(errorCodeOf(d), ErrorCode::Store);
  EXPECT_EQ(e.get(), TokenRefusal::None);
  EXPECT_EQ(store->commitBatches() - batchesBefore, 2u);

  store.reset();  // what follows is what reached the disk
  auto reopened = open();
  EXPECT_EQ(reopened->findEnrolmentKeyOf("a.example.com")->relativeKeId, keyA.relativeKeId);
  EXPECT_EQ(reopened->findToken("ta")->usedBy, "a.example.com");
  EXPECT_FALSE(reopened->findEnrolmentKeyOf("b.example.com"));
  EXPECT_FALSE(reopened->findEnrolmentKey(keyC.relativeKeId));
  EXPECT_FALSE(reopened->findToken("tc")->usedAt) << "the failed enrolment's token was consumed";
  EXPECT_EQ(reopened->findEnrolmentKeyOf("d.example.com")->relativeKeId, previousD.relativeKeId);
  EXPECT_EQ(reopened->findEnrolmentKeyOf("e.example.com")->relativeKeId, keyE.relativeKeId);
  EXPECT_EQ(reopened->findEnrolmentKeyOf("e.example.com")->tokenAux, "batch-te");
  EXPECT_EQ(reopened->findToken("te")->usedBy, "e.example.com");
}

TEST_F(SqliteStoreGroupCommit, LookupsDoNotWaitForTheWriter) {
  auto store = openSqlite();
  store->addEnrolee(sampleEnrolee("a.example.com", "kpm-a"));
  EnrolmentKey key = sampleKey("a.example.com");
  ASSERT_EQ(store->commitEnrolment(key, std::nullopt, kT0), TokenRefusal::None);
  store->addTarget({"cse1.example.com", "CSE", kT0});
  store->addToken(sampleToken("t1", "value-1"));

  auto blocker = startBlockedBatch(*store);  // the writer thread is inside a batch, waiting
  EXPECT_TRUE(store->findEnrolee("a.example.com"));
  EXPECT_TRUE(store->findEnroleeByKpmId("kpm-a"));
  EXPECT_TRUE(store->findEnroleeStatus("a.example.com"));
  EXPECT_EQ(store->findEnrolmentKeyOf("a.example.com")->relativeKeId, key.relativeKeId);
  EXPECT_TRUE(store->findTarget("cse1.example.com"));
  EXPECT_TRUE(store->findToken("t1"));
  EXPECT_EQ(store->listEnrolees().size(), 2u);
  // Several threads at once: more than there are read connections.
  std::vector<std::future<bool>> readers;
  for (int i = 0; i < 8; ++i)
    readers.push_back(
        std::async(std::launch::async, [&] { return store->findEnrolmentKey(key.relativeKeId).has_value(); }));
  for (auto& r : readers) EXPECT_TRUE(r.get());
  EXPECT_EQ(blocker.wait_for(0s), std::future_status::timeout) << "the batch did not wait";
  releaseWriteLock();
  EXPECT_EQ(blocker.get(), TokenRefusal::None);
  EXPECT_TRUE(store->findEnrolmentKeyOf("blocker.example.com"));
}

TEST_F(SqliteStoreGroupCommit, ClosingTheStoreCommitsWhatIsQueued) {
  auto store = openSqlite();
  std::vector<EnrolmentKey> keys;
  for (int i = 0; i < 3; ++i) {
    const std::string id = "e" + std::to_string(i) + ".example.com";
    store->addEnrolee(sampleEnrolee(id, ""));
    keys.push_back(sampleKey(id));
  }
  auto blocker = startBlockedBatch(*store);
  std::vector<std::future<TokenRefusal>> pending;
  for (const auto& k : keys) pending.push_back(enqueue(*store, k, std::nullopt));
  std::thread releaser([&] {
    std::this_thread::sleep_for(50ms);
    releaseWriteLock();
  });
  store.reset();  // waits for the writer thread, which commits the queue first
  releaser.join();
  EXPECT_EQ(blocker.get(), TokenRefusal::None);
  for (auto& p : pending) EXPECT_EQ(p.get(), TokenRefusal::None);
  auto reopened = open();
  for (const auto& k : keys) EXPECT_EQ(reopened->findEnrolmentKeyOf(k.enroleeId)->relativeKeId, k.relativeKeId);
}

TEST(PolicyCache, GivesWhatParsingGivesAndForgetsBeyondItsCapacity) {
  PolicyCache cache;
  const EnrolmentPolicy sample = testing::samplePolicy();
  const std::string text = policyToJson(sample);
  EXPECT_EQ(cache.parse(text), sample);
  EXPECT_EQ(cache.parse(text), sample);  // from the cache
  for (std::size_t i = 0; i < PolicyCache::kCapacity + 10; ++i) {
    EnrolmentPolicy p;
    p.registrarCseId = "cse" + std::to_string(i) + ".example.com";
    EXPECT_EQ(cache.parse(policyToJson(p)), p);
  }
  EXPECT_EQ(cache.parse(text), sample);
  EXPECT_THROW(cache.parse("{not json"), Error);
  EXPECT_THROW(cache.parse("{not json"), Error);  // a malformed text is not remembered
}

// Audit entries alone (Key Retrieval's, one per fetch) that come faster than one per commit but
// fewer than kMaxAuditBatch per kAuditCommitDelay commit about once per delay: each commit is an
// fdatasync and a page-cache reset for every reader. Half a batch per delay, for 300 ms.
TEST_F(SqliteStoreGroupCommit, AuditEntriesAloneCommitAboutOncePerDelayAtAHighRate) {
  auto store = openSqlite();
  const std::uint64_t batchesBefore = store->commitBatches();
  const auto start = std::chrono::steady_clock::now();
  auto next = start;
  std::size_t appended = 0;
  while (std::chrono::steady_clock::now() - start < 300ms) {
    store->appendAudit(
        AuditEntry{0, kT0, "psk:t.example.com", "key_retrieval", "k" + std::to_string(appended), "success", ""});
    ++appended;
    next += std::chrono::microseconds(SqliteStore::kAuditCommitDelay) / (SqliteStore::kMaxAuditBatch / 2);
    std::this_thread::sleep_until(next);
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  store->flushAudit();
  const std::uint64_t batches = store->commitBatches() - batchesBefore;
  const auto windows = static_cast<std::uint64_t>(elapsed / SqliteStore::kAuditCommitDelay);
  EXPECT_LE(batches, windows + 2) << appended << " entries in " << windows << " windows";
  EXPECT_GE(batches, 1u);
  auto tail = store->tailAudit(appended + 1);
  ASSERT_EQ(tail.size(), appended);
  EXPECT_EQ(tail.back().subject, "k" + std::to_string(appended - 1));
}

}  // namespace
}  // namespace rspf::store
