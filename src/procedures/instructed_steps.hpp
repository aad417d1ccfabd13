#pragma once
// What the Enrolment Exchange instructed each current enrolment to do (seed 8.3.3.1 step 5): the
// Certificate Enrolment Procedure has as pre-condition "The M2M Enrolment Function has instructed
// the Enrolee to perform Certificate Enrolment" (8.3.3.3), so EST's csrattrs and simpleenroll are
// refused for an enrolment whose exchange did not (issue 10 item 3).
//
// PROJECT CHOICE: kept in the MEF's memory, by RelativeKeId until the enrolment's expiry. After a
// restart of the MEF an Enrolee that had not finished its Certificate Enrolment runs the Enrolment
// Exchange again (the refusal says so); nothing else is lost.
#include <map>
#include <mutex>
#include <string>

#include "common/time.hpp"

namespace rspf::procedures {

class InstructedSteps {
 public:
  void record(const std::string& relativeKeId, TimePoint expiry, bool certificateEnrolment);
  bool instructedCertificateEnrolment(const std::string& relativeKeId) const;

 private:
  struct Entry {
    TimePoint expiry;
    bool certificateEnrolment = false;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace rspf::procedures
