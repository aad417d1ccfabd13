#pragma once
// A role's own credential renewed while it runs (issue 10 item 1): the target's enrolment with the
// MEF (KreId/Kre), the MAF's certificate, the MEF's certificate from its embedded CA. A thread waits
// until `margin` before the credential's expiry (default 10% of its lifetime), calls `renew`, and
// reports the new validity; a failed renewal is retried with a doubling back-off (1 s up to
// `maxBackoff`, never sleeping past the expiry) and reported through healthy() (false from the
// first failure on, so /healthz answers 503 before the credential lapses) and `onOutcome`.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/time.hpp"

namespace rspf::lifecycle {

// When to renew: a fixed time before the expiry, or a fraction of the lifetime (the default 10%).
struct RenewalMargin {
  std::optional<std::chrono::seconds> before;
  double fractionOfLifetime = 0.10;

  std::chrono::seconds of(TimePoint issuedAt, TimePoint expiry) const;
};

// "10%" or a duration ("7d", "90s"); throws Error(Config) naming `setting`.
RenewalMargin parseRenewalMargin(std::string_view text, std::string_view setting);

struct Validity {
  TimePoint issuedAt{};
  TimePoint expiry{};
};

class CredentialRenewal {
 public:
  using Renew = std::function<Validity()>;  // throws on failure (its message goes to the log)
  using Outcome = std::function<void(bool renewed, TimePoint expiry)>;

  CredentialRenewal(std::string what, Validity current, RenewalMargin margin, Renew renew, Outcome onOutcome = {},
                    std::chrono::seconds maxBackoff = std::chrono::seconds(300));
  ~CredentialRenewal();
  CredentialRenewal(const CredentialRenewal&) = delete;
  CredentialRenewal& operator=(const CredentialRenewal&) = delete;

  void start();
  void stop();  // safe from any thread; join() waits for the thread
  void join();

  // The credential is valid and no due renewal has failed.
  bool healthy() const;
  TimePoint expiry() const;
  TimePoint renewalDue() const;

 private:
  void run();

  std::string what_;
  RenewalMargin margin_;
  Renew renew_;
  Outcome onOutcome_;
  std::chrono::seconds maxBackoff_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  Validity current_;
  bool failing_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace rspf::lifecycle
