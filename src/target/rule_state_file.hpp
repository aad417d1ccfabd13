#pragma once
// The ServiceSubscribedAppRule record kept across restarts (issue 10 item 8): a small SQLite file per
// role ([target] state, [maf] state), mode 0600, one row per Credential-ID with its Enrolee ID and
// the Lifetime of its key. It holds no secret (the keys stay in memory and are fetched again from the
// MEF), so nothing in it is sealed. Entries past their Lifetime are dropped when it is loaded.
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "common/time.hpp"

struct sqlite3;

namespace rspf::target {

struct RuleEntry {
  std::string credentialId;
  std::string enroleeId;
  TimePoint lifetime{};
};

class RuleStateFile {
 public:
  explicit RuleStateFile(const std::filesystem::path& file);  // throws Error(Config)
  ~RuleStateFile();
  RuleStateFile(const RuleStateFile&) = delete;
  RuleStateFile& operator=(const RuleStateFile&) = delete;

  std::vector<RuleEntry> load(TimePoint now);  // after dropping the entries past their Lifetime
  void admit(const RuleEntry& entry);
  void erase(const std::string& credentialId);

 private:
  void exec(const char* sql, const std::vector<std::string>& text, std::int64_t number = 0, bool withNumber = false);

  std::filesystem::path file_;
  std::mutex mutex_;
  sqlite3* db_ = nullptr;
};

}  // namespace rspf::target
