#include "ca/crl_file.hpp"

#include <openssl/pem.h>

#include <fstream>
#include <iterator>

#include "common/error.hpp"
#include "common/openssl_errors.hpp"

namespace rspf::ca {

X509CrlPtr loadCrlFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ErrorCode::Config, "cannot read the CRL " + file.string());
  std::string data((std::istreambuf_iterator<char>(in)), {});
  X509CrlPtr crl;
  if (data.find("-----BEGIN X509 CRL-----") != std::string::npos) {
    BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    if (bio) crl.reset(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
  } else {
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    crl.reset(d2i_X509_CRL(nullptr, &p, static_cast<long>(data.size())));
    if (crl && p != reinterpret_cast<const unsigned char*>(data.data()) + data.size()) crl.reset();
  }
  if (!crl) throw Error(ErrorCode::Config, file.string() + " is not a CRL (PEM or DER): " + drainOpenSslErrors());
  return crl;
}

}  // namespace rspf::ca
