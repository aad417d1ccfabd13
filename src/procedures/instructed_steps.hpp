#pragma once
// What the Enrolment Exchange instructed each current enrolment to do (seed 8.3.3.1 step 5): the
// Certificate Enrolment Procedure has as pre-condition "The M2M Enrolment Function has instructed
// the Enrolee to perform Certificate Enrolment" (8.3.3.3), so EST's csrattrs and simpleenroll are
// refused for an enrolment whose exchange did not (issue 10 item 3).
//
// PROJECT CHOICE: kept in the MEF's memory, by RelativeKeId until the enrolment's expiry. After a
// restart of the MEF an Enrolee that had not finished its Certificate Enrolment runs the Enrolment
// Exchange again (the refusal says so); nothing else is lost.
//
// Only the enrolments instructed to enrol a certificate are held (an absent one reads as not
// instructed), and each record drops the expired ones from the front of an expiry index: the cost
// of an exchange does not grow with the enrolments the MEF has made.
#include <cstddef>
#include <map>
#include <mutex>
#include <string>

#include "common/time.hpp"

namespace rspf::procedures {

class InstructedSteps {
 public:
  void record(const std::string& relativeKeId, TimePoint expiry, bool certificateEnrolment);
  bool instructedCertificateEnrolment(const std::string& relativeKeId) const;
  // The enrolments held: instructed to enrol a certificate, not yet expired (or not yet dropped).
  std::size_t held() const;

 private:
  void dropExpired(TimePoint t);

  mutable std::mutex mutex_;
  std::map<std::string, TimePoint> expiryOf_;       // RelativeKeId -> the enrolment's expiry
  std::multimap<TimePoint, std::string> byExpiry_;  // the same, soonest first
};

}  // namespace rspf::procedures
