#include "store/store.hpp"

namespace rspf::store {

std::string_view describe(TokenRefusal r) {
  switch (r) {
    case TokenRefusal::None: return "enrolment token accepted";
    case TokenRefusal::Unknown: return "enrolment token is unknown";
    case TokenRefusal::AlreadyUsed: return "enrolment token was already used";
    case TokenRefusal::Revoked: return "enrolment token was revoked";
    case TokenRefusal::Expired: return "enrolment token expired";
    case TokenRefusal::BoundToAnotherEnrolee: return "enrolment token is bound to another Enrolee";
  }
  return "enrolment token refused";
}

}  // namespace rspf::store
