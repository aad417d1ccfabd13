#pragma once
// `rspf target` in front of a oneM2M CSE (issue 15): every request of an authenticated Enrolee —
// any method, path and query — goes to the CSE's HTTP binding (TS-0009) with the originator the
// Enrolee's credential names, and the CSE's answer comes back. The front refuses, itself and with
// a oneM2M error (onem2m_status.hpp), what the CSE must never see:
//   403 / 4103  a client-stated originator other than the Enrolee's, or a privileged originator
//   403 / 4106  a key past its Lifetime, or one the MEF no longer serves (the session's key is
//               checked on every request, not only at the handshake)
//   413 / 4000  a body over maxBodyBytes (the listener refuses a declared one before reading it)
//   504 / 4008  no answer from the CSE within the response timeout (TS-0009 table 6.3.2-1)
//   502 / 5103  the CSE cannot be reached; 502 / 5000 its answer is malformed or too large
// The request and response are the binding-neutral HTTP messages of transport/; the CoAP binding
// maps onto them (coap_mapping.hpp), so the forwarder itself is binding-free.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cse_front/originator_policy.hpp"
#include "cse_front/upstream_pool.hpp"
#include "tls/authenticated_peer.hpp"
#include "transport/https/http_message.hpp"

namespace rspf::cse_front {

// The CSE's own <serviceSubscribedAppRule> (TS-0004 7.4.29), kept up to date by the front.
struct AppRuleSettings {
  std::string adminOriginator;  // the CSE's admin originator: the only one the front speaks as for itself
  std::string resourcePath;     // e.g. "/cse-in/asar-rspf"; created below its parent when absent
};

struct FrontSettings {
  UpstreamSettings upstream;
  OriginatorMapping mapping;
  std::vector<std::string> denyList;  // the admin originator is always on it
  std::size_t maxBodyBytes = 64 * 1024;
  std::optional<AppRuleSettings> appRule;
};

// nullopt while the peer's key is still current; else why it is not (shown to the Enrolee).
using KeyCheck = std::function<std::optional<std::string>(const tls::AuthenticatedPeer& peer)>;

class CseFront {
 public:
  // `frontId` is this Enrolment Target's ID (Forwarded: by=).
  CseFront(FrontSettings settings, std::string frontId, KeyCheck keyCheck = {});

  transport::HttpResponse forward(const tls::AuthenticatedPeer& peer, const transport::HttpRequest& request);

  const OriginatorPolicy& originators() const { return policy_; }
  UpstreamPool& upstream() { return pool_; }
  const FrontSettings& settings() const { return settings_; }

 private:
  FrontSettings settings_;
  std::string frontId_;
  KeyCheck keyCheck_;
  OriginatorPolicy policy_;
  UpstreamPool pool_;
};

}  // namespace rspf::cse_front
