#include "procedures/audit_trail.hpp"

#include <spdlog/spdlog.h>

namespace rspf::procedures {

void AuditTrail::record(std::string actor, std::string action, std::string subject, std::string outcome,
                        std::string detail) {
  try {
    store_.appendAudit(
        {0, now(), std::move(actor), std::move(action), std::move(subject), std::move(outcome), std::move(detail)});
  } catch (const std::exception& e) {
    spdlog::error("audit entry not recorded: {}", e.what());
  }
}

std::string actorOf(const tls::AuthenticatedPeer& peer) { return peer.framework + ":" + peer.principal; }

void HandshakeAudit::handshake(const transport::HandshakeReport& report) {
  if (report.accepted)
    trail_.record(std::string(report.framework) + ":" + std::string(report.principal), "bootstrap",
                  std::string(report.principal), "success", "from " + std::string(report.remote));
  else
    trail_.record("remote:" + std::string(report.remote), "bootstrap", std::string(report.pskIdentity), "refused",
                  std::string(report.reason));
  if (next_) next_->handshake(report);
}

void HandshakeAudit::request(int status, std::chrono::nanoseconds latency) {
  if (next_) next_->request(status, latency);
}

void HandshakeAudit::refused(std::string_view listener, std::string_view reason) {
  if (next_) next_->refused(listener, reason);
}

}  // namespace rspf::procedures
