#pragma once
// Bytes read as the HTTPS binding's session reads them (transport/https/request_reader), for the
// targets that take a connection's bytes: Beast's read algorithms with every byte already arrived.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

#include <cstdlib>
#include <string_view>

#include "transport/https/request_reader.hpp"

namespace rspf::fuzz {

// Until the header (read_header) or the whole message (read) is in, through a read buffer of at most
// kMaxBufferedBytes as the session's; end of stream if the input ran dry.
inline boost::beast::error_code feed(transport::RequestParser& parser, std::string_view& input, bool wholeMessage) {
  namespace http = boost::beast::http;
  boost::beast::error_code ec;
  parser.eager(wholeMessage);
  auto done = [&] { return wholeMessage ? parser.is_done() : parser.is_header_done(); };
  while (!done()) {
    if (input.empty()) {
      if (!parser.got_some()) return http::error::end_of_stream;
      parser.put_eof(ec);
      if (!ec && !done()) ec = http::error::partial_message;
      return ec;
    }
    auto buffered = input.substr(0, transport::kMaxBufferedBytes);
    auto used = parser.put(boost::asio::buffer(buffered.data(), buffered.size()), ec);
    input.remove_prefix(used);
    if (ec == http::error::need_more) {
      ec = {};
      if (used == 0) {
        // A full buffer the parser cannot use is Beast's buffer_overflow; otherwise the session
        // would wait for bytes that never come.
        if (buffered.size() == transport::kMaxBufferedBytes) return http::error::buffer_overflow;
        input = {};
      }
      continue;
    }
    if (ec) return ec;
  }
  return ec;
}

// Each request of the connection's bytes, in turn, as the session hands them to its handler (at most
// `maxRequests`; keep-alive). A refusal (400, 413, 431) ends the connection as it does the session's;
// its answer must be a 4xx.
template <typename OnRequest>
void forEachRequest(std::string_view input, const transport::RequestLimits& limits, int maxRequests,
                    OnRequest&& onRequest) {
  namespace http = boost::beast::http;
  for (int n = 0; n < maxRequests; ++n) {
    transport::RequestParser parser;
    transport::prepareRequestParser(parser, limits);
    auto ec = feed(parser, input, false);
    if (!ec) {
      if (!transport::framingRefusal(parser.get()).empty()) return;  // 400, then closed
      if (auto refusal = transport::admitRequestBody(parser, limits)) {
        if (refusal->status != 413) std::abort();
        return;  // the session drains or closes
      }
      ec = feed(parser, input, true);
    }
    if (ec == http::error::end_of_stream || ec == http::error::partial_message) return;
    if (ec) {
      auto refusal = transport::requestRefusal(ec, limits);
      if (refusal.status < 400 || refusal.status > 499) std::abort();
      return;  // answered, then closed
    }
    bool keepAlive = parser.get().keep_alive();
    auto request = transport::requestOf(parser.get(), true);
    if (request.body.size() > limits.maxBodyBytes) std::abort();
    onRequest(request);
    if (!keepAlive) return;
  }
}

}  // namespace rspf::fuzz
