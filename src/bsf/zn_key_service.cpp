#include "bsf/zn_key_service.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/safe_text.hpp"
#include "crypto/encoding.hpp"
#include "crypto/gba_key_derivation.hpp"
#include "crypto/identifiers.hpp"
#include "transport/https/query_string.hpp"

namespace rspf::bsf {
namespace {

bool certificateNames(const tls::AuthenticatedPeer& peer, std::string_view fqdn) {
  auto it = peer.attributes.find(kNafDnsNamesAttribute);
  if (it == peer.attributes.end()) return false;
  std::string_view names = it->second;
  while (!names.empty()) {
    auto comma = names.find(',');
    if (crypto::equalsIgnoreCase(names.substr(0, comma), fqdn)) return true;
    names = comma == std::string_view::npos ? std::string_view() : names.substr(comma + 1);
  }
  return false;
}

}  // namespace

transport::HttpResponse ZnKeyService::handle(const tls::AuthenticatedPeer& peer,
                                             const transport::HttpRequest& request) {
  if (peer.framework != kNafFramework)
    throw Error(ErrorCode::Unauthorized, "Zn is served to NAFs that authenticate with a certificate only");
  if (request.method != "GET") throw Error(ErrorCode::BadRequest, "/zn/keys takes GET");
  auto btid = transport::queryParameter(request.target, "btid");
  auto nafIdHex = transport::queryParameter(request.target, "nafId");
  if (!btid || btid->empty() || !nafIdHex)
    throw Error(ErrorCode::BadRequest, "/zn/keys needs the query parameters btid and nafId (hex)");
  auto nafId = crypto::fromHex(*nafIdHex);
  std::string fqdn = nafId ? crypto::nafFqdnOf(*nafId) : std::string();
  if (fqdn.empty())
    throw Error(ErrorCode::BadRequest,
                "nafId must be the hex of FQDN || 0x01 0x00 0x01 || cipher suite (TS 33.220 annex H)");
  if (!certificateNames(peer, fqdn)) {
    spdlog::info("Zn: NAF '{}' asked for a key of NAF '{}'", peer.principal, fqdn);
    throw Error(ErrorCode::Forbidden, "the NAF certificate does not name '" + fqdn + "', the NAF_Id's FQDN");
  }
  auto session = store_.findSession(*btid);
  if (!session || session->expiry <= now())
    throw Error(ErrorCode::NotFound, "unknown or expired B-TID '" + safeErrorText(*btid, 128) + "'");
  auto subscriber = store_.findSubscriber(session->impi);
  if (!subscriber || !subscriber->guss.allowsNaf(fqdn)) {
    spdlog::info("Zn: NAF '{}' is not in the GUSS of {}", fqdn, session->impi);
    throw Error(ErrorCode::Forbidden, "the subscriber's GBA User Security Settings do not allow NAF '" + fqdn + "'");
  }
  nlohmann::json body{
      {"ksNaf",
       crypto::toBase64(
           crypto::deriveNafKey(session->ks, crypto::GbaKeyKind::Me, session->rand, session->impi, *nafId).view())},
      {"impi", session->impi},
      {"expiry", toRfc3339(session->expiry)}};
  if (session->uicc) {
    body["ksIntNaf"] = crypto::toBase64(
        crypto::deriveNafKey(session->ks, crypto::GbaKeyKind::U, session->rand, session->impi, *nafId).view());
    body["uicc"] = true;
  }
  spdlog::info("Zn: Ks_NAF of {} for NAF '{}'", session->btid, fqdn);
  transport::HttpResponse r;
  r.body = safeJsonDump(body);
  return r;
}

}  // namespace rspf::bsf
