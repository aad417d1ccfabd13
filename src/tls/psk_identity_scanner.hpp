#pragma once
// Reads a TLS client's first flights as they arrive, before OpenSSL does, for the PSK identity it
// will present (issue 10 item 10): the first identity of a TLS 1.3 ClientHello's pre_shared_key
// extension (RFC 8446 4.2.11), or the psk_identity that opens a TLS 1.2 ClientKeyExchange of any PSK
// key exchange (RFC 4279 2, RFC 5489 2). So a server can fetch the key before the handshake asks for
// it, instead of blocking inside the PSK callback. Only the plaintext records before the client's
// ChangeCipherSpec are read; the scanner gives up on anything malformed or over its bounds and
// never holds more than kMaxBufferedBytes. It decides nothing: OpenSSL still parses and checks all.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "crypto/secret_bytes.hpp"

namespace rspf::tls {

class PskIdentityScanner {
 public:
  static constexpr std::size_t kMaxBufferedBytes = 32 * 1024;
  static constexpr std::size_t kMaxIdentityBytes = 256;  // OpenSSL's PSK_MAX_IDENTITY_LEN

  enum class Source { ClientHello, ClientKeyExchange };
  struct Found {
    Source source;
    std::string identity;
  };

  // The next bytes the client sent, in order. Returns an identity once per handshake message that
  // carries one; a ClientKeyExchange's is a candidate only (the caller checks that the negotiated
  // key exchange is a PSK one, otherwise those bytes are a public key).
  std::optional<Found> feed(crypto::ByteView bytes);
  // Nothing more will be found: encrypted records began, the input was malformed or too large.
  bool done() const { return done_; }

 private:
  std::optional<Found> message(std::uint8_t type, crypto::ByteView body);
  void stop();

  bool done_ = false;
  crypto::Bytes records_;    // bytes of the record layer not yet read as whole records
  crypto::Bytes handshake_;  // handshake-message bytes not yet read as whole messages
};

}  // namespace rspf::tls
