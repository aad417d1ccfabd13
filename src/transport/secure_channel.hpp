#pragma once
// A client's authenticated (D)TLS session with a server, whichever binding carries it (the HTTPS
// client, the CoAPS client): neutral requests and the session's RFC 5705 exporter. The Enrolee's
// procedures (enrolee/) speak only this.
#include <cstddef>
#include <string>
#include <string_view>

#include "crypto/secret_bytes.hpp"
#include "transport/message.hpp"

namespace rspf::transport {

class SecureChannel {
 public:
  virtual ~SecureChannel() = default;
  // The server's answer (Ok, Created, or Pending with its retry delay); EST bodies as DER. A refusal
  // throws Error with its code: "<what> refused (<status>): <ErrorString>".
  virtual Response send(const Request& request, std::string_view what) = 0;
  // RFC 5705 exporter of this session, no context (PROTOCOL.md 3).
  virtual crypto::SecretBytes exportKeyingMaterial(std::string_view label, std::size_t length) = 0;
  // "https" or "coaps": the scheme of URIs on this binding.
  virtual std::string_view scheme() const = 0;
};

}  // namespace rspf::transport
