#pragma once
// `rspf admin store copy --from FILE --to URL`: moving up from one SQLite store to a shared
// PostgreSQL one. Rows are copied as stored: sealed secrets stay sealed (the same KEK and the same
// sealing names open them there, store/sealing.hpp), and the audit log keeps its seq and MACs, so
// its chain verifies in the copy exactly when it verified in the original.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "store/key_encryption_key.hpp"
#include "store/records.hpp"

namespace rspf::store {

struct StoreCopyReport {
  std::vector<std::pair<std::string, std::size_t>> rowsPerTable;  // in copy order
  std::size_t rows = 0;
  AuditVerification sourceAudit;
  AuditVerification copiedAudit;
};

// Copies every row of the SQLite store `from` into the PostgreSQL database `to` (migrated first),
// in one transaction; `progress(done, total)` after each row. Both must open with `kek`.
// Throws Error(Conflict) when the destination already holds data (nothing is copied then),
// Error(Config) on a KEK mismatch, Error(Store) if the copy's audit chain does not verify where
// the original's did.
StoreCopyReport copySqliteToPostgres(const std::filesystem::path& from, const std::string& to,
                                     const KeyEncryptionKey& kek,
                                     const std::function<void(std::size_t, std::size_t)>& progress);

}  // namespace rspf::store
