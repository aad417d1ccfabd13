#include "store/audit_chain.hpp"

#include <string>

#include "crypto/primitives.hpp"

namespace rspf::store {
namespace {

void appendField(crypto::Bytes& out, std::string_view text) {
  const auto n = static_cast<std::uint32_t>(text.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(n >> shift));
  out.insert(out.end(), text.begin(), text.end());
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

crypto::Bytes auditChainMac(const crypto::SecretBytes& auditKey, crypto::ByteView previousMac, const AuditEntry& e) {
  auto encoded = encodeAuditEntry(e);
  auto mac = crypto::hmacSha256(auditKey.view(), {previousMac, encoded});
  return crypto::Bytes(mac.view().begin(), mac.view().end());
}

std::vector<ChainedAuditEntry> chainAuditEntries(const crypto::SecretBytes& auditKey,
                                                 const std::optional<AuditChainHead>& head,
                                                 const std::vector<AuditEntry>& entries) {
  std::uint64_t seq = head ? head->seq : 0;
  crypto::Bytes previous = head ? head->mac : crypto::Bytes(kAuditMacBytes, 0);
  std::vector<ChainedAuditEntry> out;
  out.reserve(entries.size());
  for (AuditEntry entry : entries) {
    entry.seq = ++seq;
    auto mac = auditChainMac(auditKey, previous, entry);
    previous = mac;
    out.push_back({std::move(entry), std::move(mac)});
  }
  return out;
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
