#include "ca/openssl_objects.hpp"

#include <openssl/err.h>

namespace rspf::ca {

std::string takeOpenSslErrors() {
  std::string text;
  unsigned long code;
  while ((code = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text;
}

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
