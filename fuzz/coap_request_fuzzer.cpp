// A datagram as the MEF's CoAPS listener reads it once the DTLS session is authenticated (PROTOCOL.md
// 7): libcoap parses it (coap_pdu_parse, UDP framing), rspf reads the request from the PDU
// (transport/coaps/coap_request.hpp: method, Uri-Path and Uri-Query, Content-Format, oneM2M-FR, the
// payload) and the MEF's route table answers it over a real store, as mef_router does for HTTPS. The
// first byte picks the authenticated peer. KEID and KREID in the input stand for the current KeId of
// ae1 and KreId of cse1 (fuzz_mef.hpp).
#include <coap3/coap.h>

#include "fuzz_mef.hpp"
#include "fuzz_store.hpp"
#include "fuzz_support.hpp"
#include "mef/mef_router.hpp"
#include "transport/coaps/coap_request.hpp"
#include "transport/coaps/libcoap_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rspf;
  if (size < 1) return 0;
  static const bool started = (transport::coap::startLibcoap(), true);
  (void)started;
  static fuzz::FuzzStore store(fuzz::seedMef);
  static const tls::AuthenticatedPeer kPeers[] = {
      fuzz::peerOf("psk", fuzz::kEnrolee),    // an Enrolee, pre-provisioned key
      fuzz::peerOf("reauth", fuzz::kTarget),  // a Target, KreId (Key Retrieval)
      fuzz::peerOf("certificate", fuzz::kTarget),
  };
  const auto& peer = kPeers[data[0] % 3];
  auto bytes = fuzz::withIdentifiers(std::string(fuzz::textOf(data + 1, size - 1)), store.store());
  coap_pdu_t* pdu = coap_pdu_init(COAP_MESSAGE_CON, COAP_REQUEST_CODE_GET, 0, bytes.size() + 16);
  if (pdu == nullptr) return 0;
  // A request: class 0 with a detail (RFC 7252 12.1.1); anything else the listener never hands on.
  if (coap_pdu_parse(COAP_PROTO_UDP, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(), pdu) != 0 &&
      coap_pdu_get_code(pdu) >= 1 && coap_pdu_get_code(pdu) < 32) {
    mef::MefRouter router(store.store(), {fuzz::kMefFqdn}, store.kek(), std::chrono::seconds(10));
    coap_string_t* query = coap_get_query(pdu);
    transport::Request request;
    request.scheme = "coaps";
    request.method = transport::coap::methodOfCode(coap_pdu_get_code(pdu));
    request.target = transport::coap::targetOf(pdu, query);
    fuzz::refusedOrParsed([&] {
      if (!transport::coap::readBodyAndOptions(pdu, 16 * 1024, request)) router.handle(peer, request).body.size();
    });
    coap_delete_string(query);
  }
  coap_delete_pdu(pdu);
  store.reset();
  return 0;
}
