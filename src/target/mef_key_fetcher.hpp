#pragma once
// The Enrolment Target's side of MEF Key Retrieval (seed 8.3.3.6): a session with the MEF, then
// GET /fetchCredentials/<KeId>/<SUID> with X-M2M-Origin = its ID. A CSE/AE target authenticates with
// its own KreId/Kre; a MAF with its certificate (8.3.3.6 pre-conditions: a MAF's credentials with
// the MEF are arranged case by case).
//
// Sessions kept alive (issue 14 item 5): the fetches share a few TLS sessions with the MEF, opened
// with the current credential; a first contact then costs one request, not a handshake too. Over
// CoAPS (a coaps:// MEF URL, KreId/Kre only) the fetches share one DTLS session (mef_coaps_session). A
// replaced credential gets sessions of its own, and the old ones close with the last fetch that
// used them: no session outlives the credential it was opened with.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "ca/openssl_objects.hpp"
#include "target/mef_coaps_session.hpp"
#include "target/own_enrolment.hpp"
#include "target/provisioned_key_cache.hpp"
#include "transport/https/http_message.hpp"
#include "transport/https/https_connection_pool.hpp"

namespace rspf::target {

// A certificate the MEF maps to the target's registered identity, and the anchors of the MEF's.
struct MefCertificateCredentials {
  std::string mefUrl;
  std::string mefFqdn;
  ca::X509Ptr certificate;
  ca::EvpPkeyPtr privateKey;
  ca::X509StorePtr mefTrustAnchors;
};

class MefKeyFetcher {
 public:
  MefKeyFetcher(std::string targetId, OwnEnrolment own);
  MefKeyFetcher(std::string targetId, MefCertificateCredentials certificate);
  virtual ~MefKeyFetcher() = default;
  // Throws Error with the MEF's reason (NotFound for an unknown or expired key, Forbidden, ...).
  // Virtual for the tests of what waits on it (a MEF that answers slowly or not at all).
  virtual ProvisionedKey fetch(const std::string& keId, int suid) const;
  // Told of every fetch: "success" or procedures::outcomeOf(the error's code), and how long it took.
  using Observer = std::function<void(std::string_view outcome, std::chrono::nanoseconds latency)>;
  void observeWith(Observer observer) { observer_ = std::move(observer); }
  // When the credential the target authenticates to the MEF with expires; no key can be fetched after it.
  TimePoint enrolmentExpiry() const;

  // GET `path` at the MEF with the target's credential (e.g. the MEF's /crl).
  transport::HttpResponse get(const std::string& path) const;
  // Sessions opened with the MEF under the current credential (tests, diagnostics).
  std::uint64_t sessionsOpened() const;

  // A renewed credential (issue 10 item 1): fetches started after this use it; one in flight
  // finishes with the credential it started with.
  void replace(OwnEnrolment own);
  void replace(MefCertificateCredentials certificate);
  // The current enrolment (KreId/Kre variant); throws Error(Internal) for the certificate variant.
  OwnEnrolment ownEnrolment() const;

 private:
  struct Credential {
    OwnEnrolment own;  // mefUrl and mefFqdn in both variants
    std::optional<MefCertificateCredentials> certificate;
    TimePoint expiry{};
    // Opened with this credential only: HTTPS sessions, or (a coaps:// MEF URL) one DTLS session.
    std::unique_ptr<transport::HttpsConnectionPool> sessions;
    std::unique_ptr<MefCoapsSession> coaps;
  };
  // Its sessions with the MEF at its URL, authenticated by `c` (which must outlive them).
  static void openSessionsFor(Credential& c);
  std::shared_ptr<const Credential> current() const;
  ProvisionedKey fetchFromMef(const std::string& keId, int suid) const;

  std::string targetId_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Credential> credential_;
  Observer observer_;
};

}  // namespace rspf::target
