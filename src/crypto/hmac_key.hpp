#pragma once
// An HMAC-SHA-256 key (RFC 2104) set up once. OpenSSL 3 spends more on keying a MAC context (three
// digest contexts initialised, the key padded and hashed twice) than on MACing a short message, so
// a run of MACs under one key (an audit chain as it is appended or verified) keys one context and
// duplicates it per MAC. The keyed context is freed, and its key wiped, by OpenSSL on destruction.
#include <initializer_list>

#include "crypto/secret_bytes.hpp"

struct evp_mac_ctx_st;

namespace rspf::crypto {

class HmacSha256Key {
 public:
  explicit HmacSha256Key(ByteView key);
  ~HmacSha256Key();
  HmacSha256Key(const HmacSha256Key&) = delete;
  HmacSha256Key& operator=(const HmacSha256Key&) = delete;

  // HMAC-SHA-256 over the concatenation of the given parts; the same as hmacSha256(key, parts).
  // Safe to call from several threads at once (the keyed context is only read).
  SecretBytes mac(std::initializer_list<ByteView> parts) const;

 private:
  evp_mac_ctx_st* keyed_;
};

}  // namespace rspf::crypto
