#pragma once
// What the MEF writes to the audit log (issue 5 item 7): every bootstrap (handshake accepted or
// refused), Enrolment Exchange, certificate issued, key retrieved, refusal and administrative
// change. Entries name identities and outcomes, never a key or a token value. Recording never fails
// the operation it records: a store that cannot take the entry logs an error.
//
// The log cannot be flooded (docs/security.md "Audit log"): refused handshakes, which anybody can
// cause, are counted per source address and written once per interval (HandshakeAudit); every field
// is stored escaped (escapeAuditText), so bytes an attacker chose can neither forge a line in
// `rspf admin audit tail` nor break its JSON.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "common/time.hpp"
#include "store/store.hpp"
#include "tls/authenticated_peer.hpp"
#include "transport/server_observer.hpp"

namespace rspf::procedures {

inline constexpr std::size_t kMaxAuditFieldBytes = 256;
inline constexpr std::size_t kMaxAuditDetailBytes = 512;

// Text as the audit log stores it: printable ASCII (0x20-0x7e) kept, the backslash and every other
// byte (control characters, DEL, the bytes of UTF-8 or of anything else) written as \xNN; at most
// `maxBytes` bytes of `raw`, a longer one cut and marked "...(+N bytes)".
std::string escapeAuditText(std::string_view raw, std::size_t maxBytes = kMaxAuditFieldBytes);
// Stored text made safe to print: bytes outside printable ASCII as \xNN (entries stored before
// escaping existed); text escapeAuditText wrote comes back unchanged.
std::string printableAuditText(std::string_view stored);

// [audit] settings (docs/configuration.md).
struct AuditSettings {
  std::chrono::seconds refusedHandshakeInterval{60};  // refused_handshake_interval
  std::size_t refusedHandshakeSources = 20;           // refused_handshake_sources: entries per interval
  std::optional<std::chrono::seconds> retention;      // retention: `rspf admin audit archive`'s default age
};

class AuditTrail {
 public:
  explicit AuditTrail(store::Store& store) : store_(store) {}

  // Every field is stored escaped (escapeAuditText).
  void record(std::string actor, std::string action, std::string subject, std::string outcome, std::string detail = "");

 private:
  store::Store& store_;
};

// "<framework>:<principal>", e.g. "psk:cse1.example.com", "certificate:maf.example.com".
std::string actorOf(const tls::AuthenticatedPeer& peer);

// The HTTPS binding's handshakes as audit entries ("bootstrap"), passed on to `next` (metrics) too.
// An accepted handshake is one entry. Refused ones are counted per source address and interval: a
// source's first refusal of the interval is an entry at once ("count=1; <reason>"), the ones after it
// one more entry at the interval's end ("count=N first=.. last=..; last reason: .."), for at most
// `refusedHandshakeSources` sources per interval; the refusals from further sources share one entry.
// So a flood costs at most 2 * refusedHandshakeSources + 1 entries per interval, and the counts of the
// entries add up to the refusals.
class HandshakeAudit final : public transport::ServerObserver {
 public:
  HandshakeAudit(AuditTrail& trail, transport::ServerObserver* next, AuditSettings settings = {});
  ~HandshakeAudit() override;  // records the refusals still counted
  HandshakeAudit(const HandshakeAudit&) = delete;
  HandshakeAudit& operator=(const HandshakeAudit&) = delete;

  void handshake(const transport::HandshakeReport& report) override;
  void request(int status, std::chrono::nanoseconds latency) override;
  void refused(std::string_view listener, std::string_view reason) override;  // counted, not audited
  // Records the refusals counted so far (the interval's end; also called by a timer every interval).
  void flushRefusals();

 private:
  struct Refusals {
    std::uint64_t count = 0;
    TimePoint first{}, last{};
    std::string identity, reason;  // the last ones, cut at kMaxAuditFieldBytes + 1
  };
  void record(const std::string& source, const Refusals& refusals, bool otherSources);

  AuditTrail& trail_;
  transport::ServerObserver* next_;
  const AuditSettings settings_;
  std::mutex mutex_;
  std::map<std::string, Refusals> refusals_;  // by source address, at most settings_.refusedHandshakeSources
  Refusals otherSources_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread timer_;  // last: started once the rest is ready
};

}  // namespace rspf::procedures
