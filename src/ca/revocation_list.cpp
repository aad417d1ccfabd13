#include "ca/revocation_list.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <string_view>

#include "common/error.hpp"

namespace rspf::ca {

std::vector<X509CrlPtr> parseCrls(ByteView data) {
  std::vector<X509CrlPtr> crls;
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  if (text.find("-----BEGIN X509 CRL-----") != std::string_view::npos) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())),
                                                  BIO_free);
    while (X509_CRL* crl = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr)) crls.emplace_back(crl);
  } else {
    const unsigned char* p = data.data();
    if (X509_CRL* crl = d2i_X509_CRL(nullptr, &p, static_cast<long>(data.size()))) crls.emplace_back(crl);
  }
  ERR_clear_error();
  if (crls.empty()) throw Error(ErrorCode::BadRequest, "no CRL (PEM or DER) found");
  return crls;
}

void addCrlsToStore(X509_STORE* store, ByteView crlData) {
  for (const auto& crl : parseCrls(crlData))
    if (X509_STORE_add_crl(store, crl.get()) != 1) throw Error(ErrorCode::BadRequest, "cannot use a CRL");
  X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
}

void RevocationList::replace(ByteView crlData, const std::vector<X509Ptr>& issuers) {
  auto next = std::make_shared<std::vector<X509CrlPtr>>(parseCrls(crlData));
  for (const auto& crl : *next) {
    bool signedByAnchor = false;
    for (const auto& issuer : issuers)
      if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(issuer.get())) == 0 &&
          X509_CRL_verify(crl.get(), X509_get0_pubkey(issuer.get())) == 1)
        signedByAnchor = true;
    ERR_clear_error();
    if (!signedByAnchor) throw Error(ErrorCode::Forbidden, "a CRL is not signed by a trusted CA");
  }
  std::lock_guard lock(mutex_);
  crls_ = std::move(next);
}

bool RevocationList::revoked(const X509& certificate) const {
  std::shared_ptr<const std::vector<X509CrlPtr>> crls;
  {
    std::lock_guard lock(mutex_);
    crls = crls_;
  }
  for (const auto& crl : *crls) {
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_issuer_name(&certificate)) != 0) continue;
    X509_REVOKED* entry = nullptr;
    if (X509_CRL_get0_by_cert(crl.get(), &entry, const_cast<X509*>(&certificate)) == 1) return true;
  }
  return false;
}

std::size_t RevocationList::size() const {
  std::lock_guard lock(mutex_);
  return crls_->size();
}

}  // namespace rspf::ca
