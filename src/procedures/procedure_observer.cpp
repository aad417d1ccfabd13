#include "procedures/procedure_observer.hpp"

namespace rspf::procedures {

std::string_view procedureName(Procedure p) {
  switch (p) {
    case Procedure::EnrolmentExchange: return "enrolment_exchange";
    case Procedure::CertificateEnrolment: return "certificate_enrolment";
    case Procedure::KeyRetrieval: return "key_retrieval";
  }
  return "unknown";
}

std::string_view outcomeOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::BadRequest: return "bad_request";
    case ErrorCode::Unauthorized: return "unauthorized";
    case ErrorCode::Forbidden: return "forbidden";
    case ErrorCode::NotFound: return "not_found";
    case ErrorCode::Conflict: return "conflict";
    case ErrorCode::PayloadTooLarge: return "payload_too_large";
    case ErrorCode::Unavailable: return "unavailable";
    case ErrorCode::Config:
    case ErrorCode::Tls:
    case ErrorCode::Store:
    case ErrorCode::Internal: return "error";
  }
  return "error";
}

}  // namespace rspf::procedures
