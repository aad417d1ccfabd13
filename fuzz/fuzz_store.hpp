#pragma once
// A real SQLite store for the targets that run a procedure end to end (fuzz/README.md): made once
// per process in a fresh folder under /dev/shm (removed at exit) and filled by `seed`. reset() removes
// the Enrolees and Targets an input added, and goes back to the seeded file when the rows that cannot
// be removed (tokens, certificate authorities) pile up, so inputs start from the same rows.
#include <stdlib.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>

#include "crypto/primitives.hpp"
#include "store/key_encryption_key.hpp"
#include "store/open/open_store.hpp"
#include "store/store.hpp"

namespace rspf::fuzz {

class FuzzStore {
 public:
  explicit FuzzStore(const std::function<void(store::Store&, const store::KeyEncryptionKey&)>& seed = {})
      : kek_(crypto::randomSecret(32)) {
    char pattern[] = "/dev/shm/rspf-fuzz-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("cannot create a folder in /dev/shm");
    folder_ = pattern;
    store_ = store::openSqliteStore(folder_ / "seeded.db", kek_);
    if (seed) seed(*store_, kek_);
    store_.reset();
    reopen();
    for (const auto& e : store_->listEnrolees()) enrolees_.insert(e.enroleeId);
    for (const auto& t : store_->listTargets()) targets_.insert(t.targetId);
  }
  ~FuzzStore() {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(folder_, ec);
  }
  FuzzStore(const FuzzStore&) = delete;
  FuzzStore& operator=(const FuzzStore&) = delete;

  store::Store& store() { return *store_; }
  const store::KeyEncryptionKey& kek() const { return kek_; }
  const std::filesystem::path& folder() const { return folder_; }

  void reset() {
    for (const auto& e : store_->listEnrolees())
      if (!enrolees_.contains(e.enroleeId)) store_->removeEnrolee(e.enroleeId);
    for (const auto& t : store_->listTargets())
      if (!targets_.contains(t.targetId)) store_->removeTarget(t.targetId);
    if (++inputs_ % 256 == 0) reopen();
  }

 private:
  store::KeyEncryptionKey kek_;
  std::filesystem::path folder_;
  std::unique_ptr<store::Store> store_;
  std::set<std::string> enrolees_, targets_;
  unsigned inputs_ = 0;

  void reopen() {
    store_.reset();
    std::filesystem::copy_file(folder_ / "seeded.db", folder_ / "fuzz.db",
                               std::filesystem::copy_options::overwrite_existing);
    for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(folder_ / (std::string("fuzz.db") + suffix));
    store_ = store::openSqliteStore(folder_ / "fuzz.db", kek_);
  }
};

}  // namespace rspf::fuzz
