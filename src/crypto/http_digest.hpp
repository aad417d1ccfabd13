#pragma once
// HTTP Digest response computation (RFC 2617 3.2.2, qop "auth-int") with the AKAv1-MD5 password
// of RFC 3310 3.3: the password is RES as raw octets; after a synchronisation failure it is empty
// (RFC 3310 3.4).
#include <string>
#include <string_view>

#include "crypto/secret_bytes.hpp"

namespace rspf::crypto {

struct DigestInputs {
  std::string_view username;  // the IMPI
  std::string_view realm;
  ByteView password;  // RES, or empty after a synchronisation failure
  std::string_view nonce;
  std::string_view nonceCount;  // nc, 8 hex digits
  std::string_view cnonce;
  std::string_view qop;  // "auth-int" or "auth"
  std::string_view method;
  std::string_view digestUri;
  std::string_view entityBody;  // hashed into A2 for auth-int
};

// request-digest = KD(H(A1), nonce:nc:cnonce:qop:H(A2)), lowercase hex (RFC 2617 3.2.2.1).
std::string digestResponse(const DigestInputs& in);
// The server's rspauth for Authentication-Info: as above with an empty method in A2 (RFC 2617 3.2.3).
std::string digestResponseAuth(DigestInputs in);

std::string md5Hex(ByteView data);

}  // namespace rspf::crypto
