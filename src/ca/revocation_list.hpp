#pragma once
// The CRLs a relying party checks peer certificates against (issue 10 item 6: `rspf maf` and the
// Enrolee refuse revoked certificates), replaced whole when a fresh set arrives (a file, or the
// MEF's `GET /crl`). Each CRL must be signed by one of the trust anchors it is loaded for.
// Lookups may run on several threads while it is replaced.
#include <memory>
#include <mutex>
#include <vector>

#include "ca/openssl_objects.hpp"

namespace rspf::ca {

// PEM (one or more CRLs) or DER (one). Throws Error(BadRequest) when there is none.
std::vector<X509CrlPtr> parseCrls(ByteView data);

// Adds the CRLs to `store` and turns on CRL checking of the leaf (X509_V_FLAG_CRL_CHECK): a
// certificate whose issuer has no CRL there then fails too. Throws Error(BadRequest) without a CRL.
void addCrlsToStore(X509_STORE* store, ByteView crlData);

class RevocationList {
 public:
  // Throws Error(Forbidden) for a CRL no anchor in `issuers` signed; nothing changes then.
  void replace(ByteView crlData, const std::vector<X509Ptr>& issuers);
  // A CRL of the certificate's issuer lists its serial number.
  bool revoked(const X509& certificate) const;
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const std::vector<X509CrlPtr>> crls_ = std::make_shared<std::vector<X509CrlPtr>>();
};

}  // namespace rspf::ca
