// A TLS client's first flights as the HTTPS server scans them for the PSK identity before OpenSSL
// reads them (tls/psk_identity_scanner.hpp): the bytes arrive in pieces, cut where the input's first
// byte says, and the pieces must reveal what the whole does.
#include <cstdlib>

#include "fuzz_support.hpp"
#include "tls/psk_identity_scanner.hpp"

namespace {

std::vector<rspf::tls::PskIdentityScanner::Found> scan(rspf::crypto::ByteView bytes, std::size_t piece) {
  rspf::tls::PskIdentityScanner scanner;
  std::vector<rspf::tls::PskIdentityScanner::Found> found;
  for (std::size_t at = 0; at < bytes.size() && !scanner.done(); at += piece) {
    if (auto f = scanner.feed(bytes.subspan(at, std::min(piece, bytes.size() - at)))) {
      if (f->identity.empty() || f->identity.size() > rspf::tls::PskIdentityScanner::kMaxIdentityBytes) std::abort();
      found.push_back(std::move(*f));
    }
  }
  return found;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Inputs over the scanner's buffer bound are refused whole but may be read in pieces: not compared.
  if (size == 0 || size > rspf::tls::PskIdentityScanner::kMaxBufferedBytes) return 0;
  const std::size_t piece = 1 + data[0] % 64;
  rspf::crypto::ByteView bytes(data + 1, size - 1);
  auto whole = scan(bytes, bytes.size() + 1);
  auto pieces = scan(bytes, piece);
  // One identity per message at most is reported by a feed; pieces may report several a feed would
  // have merged, so compare the first one.
  if (whole.empty() != pieces.empty()) std::abort();
  if (!whole.empty() && (whole[0].identity != pieces[0].identity || whole[0].source != pieces[0].source)) std::abort();
  return 0;
}
