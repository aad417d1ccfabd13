#pragma once
// The TLS server stream of the HTTPS binding (issue 14 items 1 and 6). OpenSSL reads and writes the
// socket itself, through a BIO of ours, so a connection keeps no record buffers of its own: OpenSSL
// releases its buffers between records (SSL_MODE_RELEASE_BUFFERS), and an idle connection holds its
// SSL object, its socket and its timer. (Asio's ssl::stream kept two 17 KiB buffers per stream and a
// BIO pair of two more, zero-filled at construction, and copied every byte through them.)
//
// While watching, the client's handshake bytes also go through a PskIdentityScanner: when they reveal
// the PSK identity, OpenSSL is not given them yet, and the resolver's prepare() fetches the key off
// the network thread (issue 10 item 10); the handshake goes on once the key is at hand, so OpenSSL's
// PSK callback finds it without a MEF round trip.
//
// One timer bounds whatever operation is pending (expiresAfter, as beast::tcp_stream's); an operation
// that outlives it, or starts after it, fails with beast::error::timeout. Errors are those Asio's
// ssl::stream reports (the SSL category, stream_truncated, eof, system errors). At most one operation
// of each direction at a time, as for any Asio stream; completions run on the socket's executor and
// never inside the initiating call.
#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

#include "tls/psk_identity_resolver.hpp"

namespace rspf::transport {

class TlsServerStream {
 public:
  using executor_type = boost::asio::any_io_executor;
  using Completion = boost::asio::any_completion_handler<void(boost::beast::error_code, std::size_t)>;
  // The most one write takes: one TLS record's plaintext. A response's header and body go in one record.
  static constexpr std::size_t kMaxWriteBytes = 16 * 1024;

  // Throws Error(Tls) when OpenSSL cannot make the session (memory).
  TlsServerStream(boost::asio::ip::tcp::socket socket, SSL_CTX* context);
  ~TlsServerStream();
  TlsServerStream(const TlsServerStream&) = delete;
  TlsServerStream& operator=(const TlsServerStream&) = delete;

  executor_type get_executor() noexcept;
  SSL* native_handle() noexcept;

  // Bounds the pending and the following operations, until the next call.
  void expiresAfter(std::chrono::steady_clock::duration timeout);
  // Scans the client's bytes for its PSK identity until it is found or the handshake is encrypted.
  void watch(tls::PskIdentityResolver& resolver);
  void stopWatching() noexcept;
  // Shuts the TCP connection down both ways (after async_shutdown).
  void shutdownSocket() noexcept;

  template <class Handler>
  auto async_handshake(Handler&& handler) {
    return initiateWithoutSize(std::forward<Handler>(handler), &TlsServerStream::startHandshake);
  }

  template <class MutableBufferSequence, class Handler>
  auto async_read_some(const MutableBufferSequence& buffers, Handler&& handler) {
    return boost::asio::async_initiate<Handler, void(boost::beast::error_code, std::size_t)>(
        [this](auto h, const MutableBufferSequence& b) {
          boost::asio::mutable_buffer into;
          for (auto it = boost::asio::buffer_sequence_begin(b); it != boost::asio::buffer_sequence_end(b); ++it) {
            into = *it;
            if (into.size() > 0) break;
          }
          startRead(into, Completion(std::move(h)));
        },
        handler, buffers);
  }

  // Writes at most kMaxWriteBytes of `buffers`, gathered into one record.
  template <class ConstBufferSequence, class Handler>
  auto async_write_some(const ConstBufferSequence& buffers, Handler&& handler) {
    return boost::asio::async_initiate<Handler, void(boost::beast::error_code, std::size_t)>(
        [this](auto h, const ConstBufferSequence& b) {
          std::vector<unsigned char> data(std::min(boost::asio::buffer_size(b), kMaxWriteBytes));
          boost::asio::buffer_copy(boost::asio::buffer(data), b);
          startWrite(std::move(data), Completion(std::move(h)));
        },
        handler, buffers);
  }

  // Sends close_notify and waits (within the timer) for the peer's.
  template <class Handler>
  auto async_shutdown(Handler&& handler) {
    return initiateWithoutSize(std::forward<Handler>(handler), &TlsServerStream::startShutdown);
  }

  struct Core;

 private:
  // The handshake and the shutdown complete with an error code only.
  template <class Handler>
  auto initiateWithoutSize(Handler&& handler, void (TlsServerStream::*start)(Completion)) {
    return boost::asio::async_initiate<Handler, void(boost::beast::error_code)>(
        [this, start](auto h) {
          (this->*start)([h = std::move(h)](boost::beast::error_code ec, std::size_t) mutable { std::move(h)(ec); });
        },
        handler);
  }

  void startHandshake(Completion done);
  void startRead(boost::asio::mutable_buffer into, Completion done);
  void startWrite(std::vector<unsigned char> data, Completion done);
  void startShutdown(Completion done);

  std::shared_ptr<Core> core_;
};

}  // namespace rspf::transport
