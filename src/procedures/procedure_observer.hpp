#pragma once
// What the MEF's procedures report about their outcomes, for metrics. Binding-neutral; called from
// worker threads: implementations must be thread-safe.
#include <chrono>
#include <string_view>

#include "common/error.hpp"

namespace rspf::procedures {

enum class Procedure {
  EnrolmentExchange,     // seed 8.3.3.1
  CertificateEnrolment,  // seed 8.3.3.3 (EST simpleenroll / simplereenroll)
  KeyRetrieval,          // seed 8.3.3.6
};

std::string_view procedureName(Procedure p);  // "enrolment_exchange", "certificate_enrolment", "key_retrieval"

// The outcome label of a refusal: "bad_request", "forbidden", "not_found", "conflict", ...
std::string_view outcomeOf(ErrorCode code);

class ProcedureObserver {
 public:
  virtual ~ProcedureObserver() = default;
  // `outcome`: "success", "pending" (a certificate request held for approval) or outcomeOf(code).
  virtual void outcome(Procedure procedure, std::string_view outcome) = 0;
  // A durable store write on a procedure's path (`operation`: "commit_enrolment", ...).
  virtual void storeWrite(std::string_view operation, std::chrono::nanoseconds latency) = 0;
};

}  // namespace rspf::procedures
