#pragma once
// A CoAP request PDU read as the neutral request (PROTOCOL.md 7; RFC 7252 5.10, 6.5; RFC 7959 2.3):
// the code as the method, Uri-Path and the query as the target, Content-Format (12), oneM2M-FR (279)
// as the originator, and the payload. libcoap has parsed the datagram (and assembled Block1); this
// reads what it found. The bytes are a peer's: fuzz/coap_request_fuzzer.cpp.
#include <coap3/coap.h>

#include <cstddef>
#include <optional>
#include <string>

#include "transport/message.hpp"

namespace rspf::transport::coap {

Method methodOfCode(coap_pdu_code_t code);

// "/" + the Uri-Path segments joined by '/', then "?" + `query` when it is not empty.
std::string targetOf(const coap_pdu_t* pdu, const coap_string_t* query);

// The payload, Content-Format and originator of `pdu` into `request`. Throws Error(BadRequest) for
// a malformed Content-Format option, Error(PayloadTooLarge) past `maxBodyBytes`. Returns the offset
// of a Block1 block that came without the blocks before it (RFC 7959 2.3: answered 4.08 Request
// Entity Incomplete), changing nothing then; nullopt when the request was read.
std::optional<std::size_t> readBodyAndOptions(const coap_pdu_t* pdu, std::size_t maxBodyBytes, Request& request);

}  // namespace rspf::transport::coap
