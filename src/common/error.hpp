#pragma once
// The project's typed error: a code that maps to the wire status, and a message a user can act on.
// Messages never carry key material.
#include <stdexcept>
#include <string>

namespace rspf {

enum class ErrorCode {
  BadRequest,       // 400 malformed input
  Unauthorized,     // 401 not authenticated
  Forbidden,        // 403 authenticated but not allowed
  NotFound,         // 404 unknown or expired
  Conflict,         // 409 ambiguous or already exists
  PayloadTooLarge,  // 413
  Unavailable,      // 503 an upstream (the MEF, a store) cannot be reached
  Config,           // bad configuration or command-line input
  Tls,              // handshake or channel failure
  Store,            // database failure
  Internal,         // a bug
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

int httpStatusOf(ErrorCode code);

}  // namespace rspf
