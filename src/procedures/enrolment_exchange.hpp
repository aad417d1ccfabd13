#pragma once
// Enrolment Exchange Procedure (seed 8.3.3.1) with Enrolment Key Generation (8.3.3.2),
// the wire form of PROTOCOL.md 4.1. Binding-neutral: JSON in, JSON out.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "procedures/mef_settings.hpp"
#include "store/store.hpp"
#include "tls/authenticated_peer.hpp"

namespace rspf::procedures {

struct EnrolmentExchangeRequest {
  bool certificateEnrolment = false;
  bool mafEnrolment = false;
  std::optional<std::string> enrolmentToken;
  // The scheme of the binding the request came on; the instruction URIs use it (PROTOCOL.md 7).
  std::string scheme = "https";

  // Throws Error(BadRequest) naming the offending member.
  static EnrolmentExchangeRequest parse(std::string_view body);
};

class EnrolmentExchange {
 public:
  EnrolmentExchange(store::Store& store, MefSettings settings) : store_(store), settings_(std::move(settings)) {}

  // Authorizes, generates and stores the Enrolment Key, and answers with the instructions.
  // Throws Error(Forbidden) for a refused token or a disabled Enrolee; nothing is stored then.
  nlohmann::json run(const tls::AuthenticatedPeer& peer, const EnrolmentExchangeRequest& request);

  // POST /enrolment/exchange/complete: the Enrolee reports a finished step (8.3.3.1 steps 6, 8).
  nlohmann::json complete(const tls::AuthenticatedPeer& peer, std::string_view body);

 private:
  // Asks the approver (the policy requires it); throws Error(Forbidden) unless it approves.
  void approve(const tls::AuthenticatedPeer& peer, const store::EnroleeStatus& enrolee,
               const std::optional<store::TokenUse>& tokenUse);

  store::Store& store_;
  MefSettings settings_;
};

}  // namespace rspf::procedures
