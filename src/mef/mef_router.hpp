#pragma once
// The MEF's resources (PROTOCOL.md section 4) mapped onto its procedures. Binding-neutral.
#include "procedures/audit_trail.hpp"
#include "procedures/certificate_enrolment.hpp"
#include "procedures/enrolment_exchange.hpp"
#include "procedures/instructed_steps.hpp"
#include "procedures/key_retrieval.hpp"
#include "transport/https/http_message.hpp"

namespace rspf::mef {

// An EST answer on the wire (RFC 7030 4.1.3, 4.2.3): base64 bodies, Retry-After with 202.
transport::HttpResponse toHttpResponse(procedures::EstResponse est);

class MefRouter {
 public:
  MefRouter(store::Store& store, const procedures::MefSettings& settings, store::KeyEncryptionKey kek,
            std::chrono::seconds estRetryAfter, std::shared_ptr<const ca::UpstreamEstSettings> upstreamCa = nullptr)
      : store_(store),
        kek_(kek),
        exchange_(store, withInstructed(settings)),
        keyRetrieval_(store, settings),
        est_(store, std::move(kek), estRetryAfter, std::move(upstreamCa), &instructed_),
        observer_(settings.observer),
        audit_(settings.audit) {
    est_.setSupersededGrace(settings.supersededGrace);
  }

  // Throws rspf::Error for refusals; the binding maps them to the wire. Every change and every
  // refusal is recorded in the audit log (reads that succeed are not).
  transport::HttpResponse handle(const tls::AuthenticatedPeer& peer, const transport::HttpRequest& request);

  // MEF Key Retrieval (GET /fetchCredentials/...): a few store reads, nothing written but the audit
  // entry of a refusal, which the embedded store queues without waiting.
  static bool isKeyRetrieval(const transport::HttpRequest& request) {
    return request.method == "GET" && request.target.rfind("/fetchCredentials/", 0) == 0;
  }

 private:
  transport::HttpResponse dispatch(const tls::AuthenticatedPeer& peer, const transport::HttpRequest& request,
                                   const std::vector<std::string>& segments, std::string& issuedSerial);

  procedures::MefSettings withInstructed(procedures::MefSettings settings) {
    settings.instructed = &instructed_;
    return settings;
  }

  store::Store& store_;
  store::KeyEncryptionKey kek_;             // signs the published CRL
  procedures::InstructedSteps instructed_;  // before the procedures that hold it
  procedures::EnrolmentExchange exchange_;
  procedures::MefKeyRetrieval keyRetrieval_;
  procedures::EstRegistrationAuthority est_;
  procedures::ProcedureObserver* observer_;  // may be null
  procedures::AuditTrail* audit_;            // may be null
};

}  // namespace rspf::mef
