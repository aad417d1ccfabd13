#pragma once
// The layer under a TLS server stream that lets a PSK key be looked up off the network thread
// (issue 10 item 10). While watching, each read's bytes go through a PskIdentityScanner first; when
// they reveal the client's PSK identity, the read's completion is held back and the resolver's
// prepare() fetches the key elsewhere; the read completes (on its handler's executor) once the key
// is at hand, so OpenSSL's PSK callback then finds it without a MEF round trip. The handshake
// timeout of the stream below still bounds the whole handshake.
#include <openssl/ssl.h>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/beast/core/error.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <utility>

#include "tls/psk_identity_resolver.hpp"
#include "tls/psk_identity_scanner.hpp"

namespace rspf::transport {

// True when the suite OpenSSL chose for this handshake uses a PSK key exchange (so a
// ClientKeyExchange starts with psk_identity).
inline bool negotiatedPskKeyExchange(SSL* ssl) {
  const SSL_CIPHER* cipher = SSL_get_pending_cipher(ssl);
  if (cipher == nullptr) return false;
  const int kx = SSL_CIPHER_get_kx_nid(cipher);
  return kx == NID_kx_psk || kx == NID_kx_dhe_psk || kx == NID_kx_ecdhe_psk || kx == NID_kx_rsa_psk;
}

template <class NextLayer>
class PskPrefetchStream {
 public:
  using executor_type = typename NextLayer::executor_type;
  using next_layer_type = NextLayer;
  // What asio::ssl::stream asks of the layer below (the socket under beast's tcp_stream).
  using lowest_layer_type = typename NextLayer::socket_type;

  template <class... Args>
  explicit PskPrefetchStream(Args&&... args) : next_(std::forward<Args>(args)...) {}

  executor_type get_executor() noexcept { return next_.get_executor(); }
  NextLayer& next_layer() noexcept { return next_; }
  const NextLayer& next_layer() const noexcept { return next_; }
  lowest_layer_type& lowest_layer() noexcept { return next_.socket(); }
  const lowest_layer_type& lowest_layer() const noexcept { return next_.socket(); }

  // Scans what the client sends until its PSK identity is found or the handshake is encrypted. A
  // read held past `deadline` (the handshake's) completes with a timeout.
  void watch(SSL* ssl, tls::PskIdentityResolver* resolver, std::chrono::steady_clock::time_point deadline) {
    ssl_ = ssl;
    resolver_ = resolver;
    deadline_ = deadline;
    scanner_.emplace();
  }
  void stopWatching() { scanner_.reset(); }

  template <class ConstBufferSequence, class WriteHandler>
  auto async_write_some(const ConstBufferSequence& buffers, WriteHandler&& handler) {
    return next_.async_write_some(buffers, std::forward<WriteHandler>(handler));
  }
  template <class ConstBufferSequence>
  std::size_t write_some(const ConstBufferSequence& buffers, boost::beast::error_code& ec) {
    return next_.write_some(buffers, ec);
  }
  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers, boost::beast::error_code& ec) {
    return next_.read_some(buffers, ec);  // synchronous reads are not watched
  }

  template <class MutableBufferSequence, class ReadHandler>
  auto async_read_some(const MutableBufferSequence& buffers, ReadHandler&& handler) {
    return boost::asio::async_initiate<ReadHandler, void(boost::beast::error_code, std::size_t)>(
        [this](auto h, const MutableBufferSequence& b) {
          auto executor = boost::asio::get_associated_executor(h, get_executor());
          next_.async_read_some(
              b, boost::asio::bind_executor(
                     executor, [this, b, h = std::move(h)](boost::beast::error_code ec, std::size_t n) mutable {
                       if (ec || n == 0 || !scanner_ || !holdFor(b, n)) return h(ec, n);
                       // Held: completed by `ready`, once the resolver has the key at hand.
                       auto held = std::make_shared<Held<decltype(h)>>(std::move(h), n, deadline_);
                       if (!resolver_->prepare(identity_, [held] { held->complete(); })) held->complete();
                     }));
        },
        handler, buffers);
  }

 private:
  // A read completion waiting for prepare(); completed exactly once, on its handler's executor.
  template <class Handler>
  struct Held : std::enable_shared_from_this<Held<Handler>> {
    Held(Handler h, std::size_t n, std::chrono::steady_clock::time_point until)
        : handler(std::move(h)), bytes(n), deadline(until) {}
    void complete() {
      auto executor = boost::asio::get_associated_executor(*handler);
      boost::asio::dispatch(executor, [self = this->shared_from_this()] {
        auto h = std::exchange(self->handler, std::nullopt);
        if (!h) return;
        if (std::chrono::steady_clock::now() > self->deadline) return (*h)(boost::beast::error::timeout, 0);
        (*h)(boost::beast::error_code{}, self->bytes);
      });
    }
    std::optional<Handler> handler;
    std::size_t bytes;
    std::chrono::steady_clock::time_point deadline;
  };

  // Scans the `n` bytes just read; true when they revealed an identity to prepare (in identity_).
  template <class MutableBufferSequence>
  bool holdFor(const MutableBufferSequence& buffers, std::size_t n) {
    crypto::Bytes copy(n);
    boost::asio::buffer_copy(boost::asio::buffer(copy), buffers, n);
    auto found = scanner_->feed(copy);
    if (scanner_->done()) scanner_.reset();
    if (!found) return false;
    if (found->source == tls::PskIdentityScanner::Source::ClientKeyExchange && !negotiatedPskKeyExchange(ssl_))
      return false;
    identity_ = std::move(found->identity);
    return true;
  }

  NextLayer next_;
  SSL* ssl_ = nullptr;
  tls::PskIdentityResolver* resolver_ = nullptr;
  std::chrono::steady_clock::time_point deadline_;
  std::optional<tls::PskIdentityScanner> scanner_;
  std::string identity_;
};

}  // namespace rspf::transport
