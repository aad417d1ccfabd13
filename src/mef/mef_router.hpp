#pragma once
// The MEF's resources (PROTOCOL.md 4, and 7 over CoAPS) as a declarative route table onto its
// procedures. Binding-neutral: neutral requests in, neutral responses out; no header name, status
// number or option here (each binding's codec has them).
#include <chrono>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "procedures/audit_trail.hpp"
#include "procedures/certificate_enrolment.hpp"
#include "procedures/enrolment_exchange.hpp"
#include "procedures/instructed_steps.hpp"
#include "procedures/key_retrieval.hpp"
#include "transport/message.hpp"

namespace rspf::mef {

// A route as PROTOCOL.md 4 names it: method and path template ("{keId}" captures one segment).
struct MefRoute {
  transport::Method method;
  std::string_view path;
};

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

  // Every route this router serves, whichever binding carries it.
  static std::vector<MefRoute> routes();

  // MEF Key Retrieval (GET /fetchCredentials/...): a few store reads, nothing written but its audit
  // entry, which the embedded store queues without waiting (a binding may answer it on its network
  // thread).
  static bool isKeyRetrieval(transport::Method method, std::string_view target) {
    return method == transport::Method::Get && target.rfind("/fetchCredentials/", 0) == 0;
  }

  // The Enrolment Exchange (POST /enrolment/exchange) derives its keys from the session's RFC 5705
  // export (crypto::kExporterLabel, kExporterLength): a binding may make that export ahead.
  static bool callsExporter(transport::Method method, std::string_view target);

  // Throws rspf::Error for refusals; the binding maps them to the wire. Every change, every
  // refusal and every Key Retrieval (it discloses a credential) is recorded in the audit log; other
  // reads that succeed are not.
  transport::Response handle(const tls::AuthenticatedPeer& peer, const transport::Request& request);

  struct Call {
    const tls::AuthenticatedPeer& peer;
    const transport::Request& request;
    std::map<std::string, std::string> captures;         // path parameters, percent-decoded
    std::string issuedSerial = {};                       // set by an EST enrolment that issued a certificate
    std::string capture(const std::string& name) const;  // "" when the route has no such parameter
  };

 private:
  using Handler = transport::Response (MefRouter::*)(Call&);
  // What the audit log records about a route: its action ("" for a read, recorded only when refused)
  // and whether its subject is the peer or the key identifier it names.
  enum class Subject { Peer, KeyIdentifier };
  struct Entry {
    MefRoute route;
    Handler handler;
    std::string_view auditAction;
    Subject subject;
  };
  static std::span<const Entry> table();

  transport::Response enrolmentExchange(Call&);
  transport::Response exchangeComplete(Call&);
  transport::Response keyRetrieval(Call&);
  transport::Response discovery(Call&);
  transport::Response cacerts(Call&);
  transport::Response csrattrs(Call&);
  transport::Response simpleEnroll(Call&);
  transport::Response simpleReenroll(Call&);
  transport::Response crl(Call&);

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
