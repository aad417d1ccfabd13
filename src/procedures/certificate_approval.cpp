#include "procedures/certificate_approval.hpp"

#include <spdlog/spdlog.h>

#include "crypto/encoding.hpp"
#include "crypto/primitives.hpp"

namespace rspf::procedures {

bool approvedOrHeld(store::Store& store, const std::string& holderId, const std::string& label,
                    const ca::CertificateRequest& request) {
  auto keyHash = crypto::toHex(crypto::sha256(request.publicKeyDer()));
  auto pending = store.findPendingCertificateRequest(holderId);
  if (pending && pending->approved && pending->publicKeySha256 == keyHash) {
    store.removePendingCertificateRequest(holderId);
    return true;
  }
  if (!pending || pending->publicKeySha256 != keyHash)
    store.holdCertificateRequest({holderId, label, keyHash, request.der(), now(), false});
  spdlog::info("certificate request of '{}' held for approval", holderId);
  return false;
}

}  // namespace rspf::procedures
