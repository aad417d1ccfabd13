#include "tls/psk_identity_scanner.hpp"

namespace rspf::tls {
namespace {

constexpr std::uint8_t kHandshake = 22;
constexpr std::uint8_t kClientHello = 1;
constexpr std::uint8_t kClientKeyExchange = 16;
constexpr std::uint16_t kPreSharedKeyExtension = 41;
constexpr std::size_t kMaxRecordBytes = 16384 + 2048;  // TLSCiphertext bound (RFC 8446 5.2)

// Bounds-checked reads from a message body.
class Reader {
 public:
  explicit Reader(crypto::ByteView bytes) : bytes_(bytes) {}
  bool skip(std::size_t n) {
    if (n > bytes_.size() - at_) return false;
    at_ += n;
    return true;
  }
  bool number(std::size_t width, std::size_t& out) {
    if (width > bytes_.size() - at_) return false;
    out = 0;
    for (std::size_t i = 0; i < width; ++i) out = (out << 8) | bytes_[at_++];
    return true;
  }
  // A field with a `width`-byte length prefix.
  bool vector(std::size_t width, crypto::ByteView& out) {
    std::size_t n = 0;
    if (!number(width, n) || n > bytes_.size() - at_) return false;
    out = bytes_.subspan(at_, n);
    at_ += n;
    return true;
  }
  bool empty() const { return at_ == bytes_.size(); }

 private:
  crypto::ByteView bytes_;
  std::size_t at_ = 0;
};

std::optional<std::string> identityOf(crypto::ByteView identity) {
  if (identity.empty() || identity.size() > PskIdentityScanner::kMaxIdentityBytes) return std::nullopt;
  return std::string(identity.begin(), identity.end());
}

// RFC 8446 4.1.2 and 4.2.11: the first PskIdentity of the pre_shared_key extension.
std::optional<std::string> clientHelloIdentity(crypto::ByteView body) {
  Reader r(body);
  crypto::ByteView sessionId, suites, compression, extensions;
  if (!r.skip(2 + 32) || !r.vector(1, sessionId) || !r.vector(2, suites) || !r.vector(1, compression) ||
      !r.vector(2, extensions))
    return std::nullopt;
  Reader e(extensions);
  while (!e.empty()) {
    std::size_t type = 0;
    crypto::ByteView data;
    if (!e.number(2, type) || !e.vector(2, data)) return std::nullopt;
    if (type != kPreSharedKeyExtension) continue;
    Reader psk(data);
    crypto::ByteView identities, first;
    if (!psk.vector(2, identities)) return std::nullopt;
    Reader list(identities);
    if (!list.vector(2, first)) return std::nullopt;
    return identityOf(first);
  }
  return std::nullopt;
}

// RFC 4279 2 (and 5489 2, 4279 3-4): every PSK ClientKeyExchange starts with psk_identity<0..2^16-1>.
std::optional<std::string> clientKeyExchangeIdentity(crypto::ByteView body) {
  Reader r(body);
  crypto::ByteView identity;
  if (!r.vector(2, identity)) return std::nullopt;
  return identityOf(identity);
}

}  // namespace

void PskIdentityScanner::stop() {
  done_ = true;
  records_.clear();
  handshake_.clear();
}

std::optional<PskIdentityScanner::Found> PskIdentityScanner::message(std::uint8_t type, crypto::ByteView body) {
  if (type == kClientHello) {
    if (auto identity = clientHelloIdentity(body)) return Found{Source::ClientHello, std::move(*identity)};
  } else if (type == kClientKeyExchange) {
    auto identity = clientKeyExchangeIdentity(body);
    stop();  // the client's last plaintext message of interest
    if (identity) return Found{Source::ClientKeyExchange, std::move(*identity)};
  }
  return std::nullopt;
}

std::optional<PskIdentityScanner::Found> PskIdentityScanner::feed(crypto::ByteView bytes) {
  if (done_) return std::nullopt;
  if (bytes.size() > kMaxBufferedBytes - records_.size()) {
    stop();
    return std::nullopt;
  }
  records_.insert(records_.end(), bytes.begin(), bytes.end());
  std::optional<Found> found;
  std::size_t at = 0;
  while (!done_ && records_.size() - at >= 5) {
    const std::uint8_t type = records_[at];
    const std::size_t length = (std::size_t{records_[at + 3]} << 8) | records_[at + 4];
    if (type != kHandshake || length == 0 || length > kMaxRecordBytes) {
      stop();  // ChangeCipherSpec (encrypted records follow), an alert, application data, or garbage
      return found;
    }
    if (records_.size() - at - 5 < length) break;  // the rest of the record has not arrived yet
    if (length > kMaxBufferedBytes - handshake_.size()) {
      stop();
      return found;
    }
    handshake_.insert(handshake_.end(), records_.begin() + static_cast<std::ptrdiff_t>(at + 5),
                      records_.begin() + static_cast<std::ptrdiff_t>(at + 5 + length));
    at += 5 + length;
    // Whole handshake messages: type (1), length (3), body.
    std::size_t used = 0;
    while (!done_ && handshake_.size() - used >= 4) {
      const std::size_t n =
          (std::size_t{handshake_[used + 1]} << 16) | (std::size_t{handshake_[used + 2]} << 8) | handshake_[used + 3];
      if (n > kMaxBufferedBytes) {
        stop();
        return found;
      }
      if (handshake_.size() - used - 4 < n) break;
      auto result = message(handshake_[used], crypto::ByteView(handshake_).subspan(used + 4, n));
      if (!done_) used += 4 + n;
      if (result && !found) found = std::move(result);
    }
    if (!done_) handshake_.erase(handshake_.begin(), handshake_.begin() + static_cast<std::ptrdiff_t>(used));
  }
  if (!done_) records_.erase(records_.begin(), records_.begin() + static_cast<std::ptrdiff_t>(at));
  return found;
}

}  // namespace rspf::tls
