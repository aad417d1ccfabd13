#pragma once
// What the MEF writes to the audit log (issue 5 item 7): every bootstrap (handshake accepted or
// refused), Enrolment Exchange, certificate issued, key retrieved, refusal and administrative
// change. Entries name identities and outcomes, never a key or a token value. Recording never fails
// the operation it records: a store that cannot take the entry logs an error.
#include <string>
#include <string_view>

#include "store/store.hpp"
#include "tls/authenticated_peer.hpp"
#include "transport/server_observer.hpp"

namespace rspf::procedures {

class AuditTrail {
 public:
  explicit AuditTrail(store::Store& store) : store_(store) {}

  void record(std::string actor, std::string action, std::string subject, std::string outcome, std::string detail = "");

 private:
  store::Store& store_;
};

// "<framework>:<principal>", e.g. "psk:cse1.example.com", "certificate:maf.example.com".
std::string actorOf(const tls::AuthenticatedPeer& peer);

// The HTTPS binding's handshakes as audit entries ("bootstrap"), passed on to `next` (metrics) too.
class HandshakeAudit final : public transport::ServerObserver {
 public:
  HandshakeAudit(AuditTrail& trail, transport::ServerObserver* next) : trail_(trail), next_(next) {}
  void handshake(const transport::HandshakeReport& report) override;
  void request(int status, std::chrono::nanoseconds latency) override;

 private:
  AuditTrail& trail_;
  transport::ServerObserver* next_;
};

}  // namespace rspf::procedures
