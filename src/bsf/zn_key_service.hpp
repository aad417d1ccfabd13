#pragma once
// The BSF's Zn reference point (TS 33.220 4.5.3), in the project's HTTPS form (PROTOCOL.md 6):
// `GET /zn/keys?btid=<B-TID>&nafId=<hex NAF_Id>` from a NAF that authenticated with its
// certificate; 200 `{"ksNaf": base64, "impi": …, "expiry": RFC 3339}` and, for a GBA_U subscriber,
// also "ksIntNaf" and "uicc": true (project choice: TS 33.220 5.3.3 hands both keys to the NAF).
#include "bsf/subscriber_store.hpp"
#include "tls/authenticated_peer.hpp"
#include "transport/https/http_message.hpp"

namespace rspf::bsf {

inline constexpr const char* kNafFramework = "naf";               // peers authenticated by a NAF certificate
inline constexpr const char* kNafDnsNamesAttribute = "dnsNames";  // its SAN dNSNames, comma-separated

class ZnKeyService {
 public:
  explicit ZnKeyService(SubscriberStore& store) : store_(store) {}
  // 401 without a NAF certificate; 400 for a malformed query; 403 when the certificate does not
  // name the NAF_Id's FQDN or the subscriber's GUSS does not list that NAF; 404 for an unknown or
  // expired B-TID.
  transport::HttpResponse handle(const tls::AuthenticatedPeer& peer, const transport::HttpRequest& request);

 private:
  SubscriberStore& store_;
};

}  // namespace rspf::bsf
