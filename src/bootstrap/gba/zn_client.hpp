#pragma once
// The NAF's side of Zn (TS 33.220 4.5.3; PROTOCOL.md 6): the MEF asks the BSF for Ks_NAF over HTTPS,
// authenticating with its own certificate and verifying the BSF's against configured anchors.
#include <functional>
#include <optional>
#include <string>

#include "common/time.hpp"
#include "crypto/secret_bytes.hpp"
#include "tls/certificate_profile.hpp"
#include "transport/https/http_message.hpp"

namespace rspf::bootstrap {

// What the BSF hands a NAF for one B-TID and NAF_Id.
struct NafKeys {
  crypto::SecretBytes ksNaf;                    // Ks_NAF (GBA_ME) or Ks_ext_NAF (GBA_U)
  std::optional<crypto::SecretBytes> ksIntNaf;  // GBA_U subscribers only
  std::string impi;
  TimePoint expiry{};  // the B-TID's
};

// nullopt: the BSF does not know the B-TID (or it expired: 404). Throws Error(Unavailable) when the
// BSF cannot be reached or refuses the NAF (with its reason).
using ZnKeyFetch = std::function<std::optional<NafKeys>(const std::string& btid, crypto::ByteView nafId)>;

struct ZnEndpoint {
  std::string url;   // https://host:port of the BSF
  std::string fqdn;  // the name its certificate must carry
};

// The BSF's answer to GET /zn/keys: nullopt for 404, the keys of a 200. Throws Error(Unavailable) with
// the BSF's reason for another status, or saying what is malformed.
std::optional<NafKeys> znAnswerOf(const transport::HttpResponse& response);

// A ZnKeyFetch over HTTPS. `credentials` (the MEF's certificate, key, and the BSF's trust anchors)
// must outlive the returned function.
ZnKeyFetch httpsZnKeyFetch(ZnEndpoint endpoint, const tls::CertificateClientCredentials& credentials);

}  // namespace rspf::bootstrap
