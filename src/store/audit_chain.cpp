#include "store/audit_chain.hpp"

#include <string>

#include "common/error.hpp"
#include "crypto/primitives.hpp"

namespace rspf::store {
namespace {

void appendField(crypto::Bytes& out, std::string_view text) {
  const auto n = static_cast<std::uint32_t>(text.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(n >> shift));
  out.insert(out.end(), text.begin(), text.end());
}

crypto::Bytes bigEndian(std::uint64_t value) {
  crypto::Bytes out;
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
  return out;
}

constexpr std::string_view kCheckpointLabel = "rspf audit checkpoint";

crypto::Bytes checkpointMac(const crypto::SecretBytes& key, std::uint64_t seq, crypto::ByteView entryMac) {
  auto seqBytes = bigEndian(seq);
  auto mac = crypto::hmacSha256(key.view(), {crypto::asBytes(kCheckpointLabel), seqBytes, entryMac});
  return crypto::Bytes(mac.view().begin(), mac.view().end());
}

AuditVerification brokenAt(std::uint64_t seq, std::string problem, std::uint64_t entries) {
  AuditVerification v;
  v.intact = false;
  v.firstBadSeq = seq;
  v.problem = std::move(problem);
  v.entries = entries;
  return v;
}

}  // namespace

crypto::SecretBytes deriveAuditKey(const KeyEncryptionKey& kek) { return kek.deriveKey("rspf audit log chain"); }

crypto::Bytes encodeAuditEntry(const AuditEntry& e) {
  crypto::Bytes out;
  const auto seq = e.seq;
  const auto at = static_cast<std::uint64_t>(toUnix(e.at));
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(seq >> shift));
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(at >> shift));
  for (const std::string* field : {&e.actor, &e.action, &e.subject, &e.outcome, &e.detail}) appendField(out, *field);
  return out;
}

crypto::Bytes auditChainMac(const crypto::HmacSha256Key& auditKey, crypto::ByteView previousMac, const AuditEntry& e) {
  auto encoded = encodeAuditEntry(e);
  auto mac = auditKey.mac({previousMac, encoded});
  return crypto::Bytes(mac.view().begin(), mac.view().end());
}

std::vector<ChainedAuditEntry> chainAuditEntries(const crypto::SecretBytes& auditKey,
                                                 const std::optional<AuditChainHead>& head,
                                                 const std::vector<AuditEntry>& entries) {
  std::uint64_t seq = head ? head->seq : 0;
  crypto::Bytes previous = head ? head->mac : crypto::Bytes(kAuditMacBytes, 0);
  std::vector<ChainedAuditEntry> out;
  out.reserve(entries.size());
  const crypto::HmacSha256Key key(auditKey.view());
  for (AuditEntry entry : entries) {
    entry.seq = ++seq;
    auto mac = auditChainMac(key, previous, entry);
    previous = mac;
    out.push_back({std::move(entry), std::move(mac)});
  }
  return out;
}

AuditCheckpoint makeAuditCheckpoint(const crypto::SecretBytes& auditKey, std::uint64_t seq, crypto::Bytes entryMac) {
  AuditCheckpoint c{seq, std::move(entryMac), {}};
  c.mac = checkpointMac(auditKey, c.seq, c.entryMac);
  return c;
}

AuditCheckpoint auditChainOrigin(const crypto::SecretBytes& auditKey) {
  return makeAuditCheckpoint(auditKey, 0, crypto::Bytes(kAuditMacBytes, 0));
}

bool auditCheckpointVerifies(const crypto::SecretBytes& auditKey, const AuditCheckpoint& c) {
  return c.entryMac.size() == kAuditMacBytes &&
         crypto::constantTimeEqual(checkpointMac(auditKey, c.seq, c.entryMac), c.mac);
}

crypto::Bytes encodeAuditCheckpoint(const AuditCheckpoint& c) {
  auto out = bigEndian(c.seq);
  out.insert(out.end(), c.entryMac.begin(), c.entryMac.end());
  out.insert(out.end(), c.mac.begin(), c.mac.end());
  return out;
}

AuditCheckpoint decodeAuditCheckpoint(const crypto::SecretBytes& auditKey, crypto::ByteView stored) {
  if (stored.size() != 8 + 2 * kAuditMacBytes)
    throw Error(ErrorCode::Store, "the audit log's start checkpoint is malformed");
  AuditCheckpoint c;
  for (std::size_t i = 0; i < 8; ++i) c.seq = (c.seq << 8) | stored[i];
  c.entryMac.assign(stored.begin() + 8, stored.begin() + 8 + kAuditMacBytes);
  c.mac.assign(stored.begin() + 8 + kAuditMacBytes, stored.end());
  if (!auditCheckpointVerifies(auditKey, c))
    throw Error(ErrorCode::Store, "the audit log's start checkpoint was altered (its MAC does not verify)");
  return c;
}

AuditVerification verifyAuditSegment(const crypto::SecretBytes& auditKey, const AuditSegment& segment) {
  for (const auto* c : {&segment.start, &segment.end})
    if (!auditCheckpointVerifies(auditKey, *c))
      return brokenAt(c->seq,
                      "the archive's " + std::string(c == &segment.start ? "start" : "end") +
                          " checkpoint does not verify (altered, or another key-encryption key)",
                      0);
  if (segment.macs.size() != segment.entries.size())
    return brokenAt(segment.start.seq + 1,
                    "the archive holds " + std::to_string(segment.entries.size()) + " entries but " +
                        std::to_string(segment.macs.size()) + " MACs",
                    0);
  crypto::Bytes previous = segment.start.entryMac;
  std::uint64_t expected = segment.start.seq + 1;
  const crypto::HmacSha256Key key(auditKey.view());
  for (std::size_t i = 0; i < segment.entries.size(); ++i) {
    const auto& entry = segment.entries[i];
    if (entry.seq != expected)
      return brokenAt(expected, "entry " + std::to_string(expected) + " is missing from the archive", i);
    if (!crypto::constantTimeEqual(auditChainMac(key, previous, entry), segment.macs[i]))
      return brokenAt(entry.seq, "entry " + std::to_string(entry.seq) + " of the archive was altered", i);
    previous = segment.macs[i];
    ++expected;
  }
  if (expected - 1 != segment.end.seq || !crypto::constantTimeEqual(previous, segment.end.entryMac))
    return brokenAt(expected, "the archive ends before its end checkpoint (entries removed from its end)",
                    segment.entries.size());
  AuditVerification v;
  v.entries = segment.entries.size();
  return v;
}

bool AuditChainVerifier::add(const AuditEntry& entry, crypto::ByteView storedMac) {
  if (!result_.intact) return false;
  auto broken = [&](std::uint64_t seq, std::string problem) {
    result_.intact = false;
    result_.firstBadSeq = seq;
    result_.problem = std::move(problem);
    return false;
  };
  if (entry.seq != expected_)
    return broken(expected_, entry.seq > expected_
                                 ? "entry " + std::to_string(expected_) + " is missing (the log jumps from " +
                                       std::to_string(expected_ - 1) + " to " + std::to_string(entry.seq) + ")"
                                 : "entry " + std::to_string(entry.seq) + " is out of order");
  auto mac = auditChainMac(key_, previous_, entry);
  if (!crypto::constantTimeEqual(mac, storedMac))
    return broken(entry.seq, "entry " + std::to_string(entry.seq) +
                                 " was altered (or an entry before it was; its MAC does not chain)");
  previous_.assign(storedMac.begin(), storedMac.end());
  ++expected_;
  ++result_.entries;
  return true;
}

}  // namespace rspf::store
