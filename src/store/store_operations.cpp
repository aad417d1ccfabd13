// The defaults of Store's operations for a backend that has not implemented them (issue 13 item 4).
#include <limits>

#include "common/error.hpp"
#include "store/store.hpp"

namespace rspf::store {

std::vector<AuditEntry> Store::auditAfter(std::uint64_t afterSeq, std::size_t limit) {
  std::vector<AuditEntry> out;
  for (auto& e : tailAudit(std::numeric_limits<std::size_t>::max() / 2))
    if (e.seq > afterSeq && out.size() < limit) out.push_back(std::move(e));
  return out;
}

void Store::backup(const std::filesystem::path&) {
  throw Error(ErrorCode::Config,
              "this store has no built-in backup: use the database's own tool (PostgreSQL: pg_dump)");
}

void Store::rotateKeyEncryptionKey(const KeyEncryptionKey&, AuditEntry) {
  throw Error(ErrorCode::Config, "this store cannot rotate its key-encryption key yet");
}

}  // namespace rspf::store
