#pragma once
// Opening a TCP listener the same way for every server of ours (HTTPS, observability).
// Header-only: only the translation units that already pay for Asio include it.
#include <boost/asio/ip/tcp.hpp>

#include <string>
#include <string_view>

#include "common/error.hpp"

namespace rspf::transport {

// Opens, binds (SO_REUSEADDR) and listens; throws Error(Config) naming the address (`what`: the
// configuration key it came from, e.g. "listen").
inline void listenOn(boost::asio::ip::tcp::acceptor& acceptor, const std::string& host, std::uint16_t port,
                     std::string_view what) {
  namespace asio = boost::asio;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) throw Error(ErrorCode::Config, "invalid " + std::string(what) + " address '" + host + "'");
  asio::ip::tcp::endpoint endpoint(address, port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw Error(ErrorCode::Config, "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
}

}  // namespace rspf::transport
