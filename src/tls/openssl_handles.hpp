#pragma once
// RAII owners for OpenSSL objects, and the text of the thread's OpenSSL error queue.
#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "common/openssl_errors.hpp"

namespace rspf::tls {

struct SslCtxFree {
  void operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
};
struct SslFree {
  void operator()(SSL* p) const { SSL_free(p); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;
using SslPtr = std::unique_ptr<SSL, SslFree>;

using rspf::drainOpenSslErrors;

}  // namespace rspf::tls
