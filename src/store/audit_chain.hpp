#pragma once
// The audit log's chain, the same in every backend: entry n's MAC = HMAC-SHA-256(audit key, MAC of
// entry n-1 (32 zero bytes for the first) ‖ encoding of entry n), the audit key derived from the
// KEK. Without the KEK nobody can edit, insert or remove an entry and rebuild the chain after it.
// A backend stores (seq, fields, mac) and appends under a lock that orders all writers of the
// database (several processes, several MEF instances): one chain whoever writes.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "crypto/hmac_key.hpp"
#include "crypto/secret_bytes.hpp"
#include "store/key_encryption_key.hpp"
#include "store/records.hpp"

namespace rspf::store {

inline constexpr std::size_t kAuditMacBytes = 32;

crypto::SecretBytes deriveAuditKey(const KeyEncryptionKey& kek);

// seq (8 bytes), at (8 bytes, Unix seconds), then actor, action, subject, outcome, detail, each as a
// 4-byte length and its bytes; all big-endian.
crypto::Bytes encodeAuditEntry(const AuditEntry& entry);
// `auditKey` is the audit key set up once (crypto::HmacSha256Key): a chain is MACed under one key.
crypto::Bytes auditChainMac(const crypto::HmacSha256Key& auditKey, crypto::ByteView previousMac,
                            const AuditEntry& entry);

struct ChainedAuditEntry {
  AuditEntry entry;  // with its seq
  crypto::Bytes mac;
};

// The last stored entry's seq and MAC; nullopt for an empty log.
struct AuditChainHead {
  std::uint64_t seq = 0;
  crypto::Bytes mac;
};

// Numbers `entries` after `head` and chains each to the one before.
std::vector<ChainedAuditEntry> chainAuditEntries(const crypto::SecretBytes& auditKey,
                                                 const std::optional<AuditChainHead>& head,
                                                 const std::vector<AuditEntry>& entries);

// --- Retention (Store::trimAudit): the log's start after an archive is a checkpoint, MACed under
// the audit key so that nobody without the KEK can move it forward past entries they removed.
// mac = HMAC-SHA-256(audit key, "rspf audit checkpoint" ‖ seq (8 bytes, big-endian) ‖ entry MAC).
AuditCheckpoint makeAuditCheckpoint(const crypto::SecretBytes& auditKey, std::uint64_t seq, crypto::Bytes entryMac);
AuditCheckpoint auditChainOrigin(const crypto::SecretBytes& auditKey);  // seq 0, 32 zero bytes
bool auditCheckpointVerifies(const crypto::SecretBytes& auditKey, const AuditCheckpoint& checkpoint);
// The stored form (meta 'audit_checkpoint'): seq (8 bytes) ‖ entry MAC (32) ‖ checkpoint MAC (32).
crypto::Bytes encodeAuditCheckpoint(const AuditCheckpoint& checkpoint);
// Error(Store) when malformed or when its MAC does not verify (altered).
AuditCheckpoint decodeAuditCheckpoint(const crypto::SecretBytes& auditKey, crypto::ByteView stored);
// An archive checked by itself: both checkpoints and the chain between them.
AuditVerification verifyAuditSegment(const crypto::SecretBytes& auditKey, const AuditSegment& segment);

// Checks stored entries in seq order, one at a time, from the log's start.
class AuditChainVerifier {
 public:
  explicit AuditChainVerifier(const crypto::SecretBytes& auditKey) : key_(auditKey.view()) {}
  AuditChainVerifier(const crypto::SecretBytes& auditKey, const AuditCheckpoint& start)
      : key_(auditKey.view()), previous_(start.entryMac), expected_(start.seq + 1) {}
  // False once the chain is broken (then result() says where; later entries are not looked at).
  bool add(const AuditEntry& entry, crypto::ByteView storedMac);
  const AuditVerification& result() const { return result_; }

 private:
  crypto::HmacSha256Key key_;  // keyed once for the whole log
  crypto::Bytes previous_ = crypto::Bytes(kAuditMacBytes, 0);
  std::uint64_t expected_ = 1;
  AuditVerification result_;
};

}  // namespace rspf::store
