#include "ca/openssl_objects.hpp"

#include <openssl/err.h>

#include "common/openssl_errors.hpp"

namespace rspf::ca {

std::string takeOpenSslErrors() { return drainOpenSslErrors(); }

void throwOpenSslError(ErrorCode code, const std::string& what) {
  auto detail = takeOpenSslErrors();
  throw Error(code, detail.empty() ? what : what + " (" + detail + ")");
}

const EVP_MD* sha256Digest() {
  // Fetched once and kept for the life of the process.
  static const EVP_MD* md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (fetched == nullptr) throwOpenSslError(ErrorCode::Internal, "SHA-256 is not available from OpenSSL");
    return fetched;
  }();
  return md;
}

}  // namespace rspf::ca
