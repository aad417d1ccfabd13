#include "cse_front/header_policy.hpp"

#include <array>

#include "crypto/identifiers.hpp"

namespace rspf::cse_front {
namespace {

bool startsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && crypto::equalsIgnoreCase(text.substr(0, prefix.size()), prefix);
}

bool oneOf(std::string_view name, std::initializer_list<std::string_view> names) {
  for (auto n : names)
    if (crypto::equalsIgnoreCase(name, n)) return true;
  return false;
}

// RFC 7239 4: a node name with ':' (a port, an IPv6 literal) is a quoted string; IPv6 in brackets.
std::string forwardedNode(std::string_view address) {
  auto colon = address.rfind(':');
  if (colon == std::string_view::npos) return std::string(address);
  auto host = address.substr(0, colon);
  auto port = address.substr(colon + 1);
  bool v6 = host.find(':') != std::string_view::npos;
  return "\"" + (v6 ? "[" + std::string(host) + "]" : std::string(host)) + ":" + std::string(port) + "\"";
}

std::string hostOf(std::string_view address) {
  auto colon = address.rfind(':');
  return std::string(colon == std::string_view::npos ? address : address.substr(0, colon));
}

// A value the front writes must be a plain token or quoted-string content: no quote, no controls.
std::string plain(std::string_view value) {
  std::string out;
  for (char c : value)
    if (static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\' && c != 0x7f) out += c;
  return out;
}

}  // namespace

bool passesToCse(std::string_view name) {
  if (crypto::equalsIgnoreCase(name, "X-M2M-Origin")) return false;  // the front's to set
  if (startsWithIgnoreCase(name, "X-M2M-")) return true;
  // Authorization carries the Tokens parameter (TS-0009 6.4.19), checked by the CSE.
  return oneOf(name, {"Content-Type", "Accept", "Authorization", "If-Match", "If-None-Match", "If-Modified-Since",
                      "If-Unmodified-Since"});
}

bool passesToEnrolee(std::string_view name) {
  if (startsWithIgnoreCase(name, "X-M2M-")) return true;
  return oneOf(name, {"Content-Location", "ETag", "Last-Modified"});
}

HeaderList upstreamRequestHeaders(const transport::HttpRequest& request, const ForwardingContext& context) {
  HeaderList out;
  out.reserve(request.headers.size() + 4);
  out.emplace_back("X-M2M-Origin", context.originator);
  for (const auto& [name, value] : request.headers)
    if (passesToCse(name)) out.emplace_back(name, value);
  auto client = plain(context.clientAddress);
  out.emplace_back("Forwarded", "for=" + forwardedNode(client) + ";by=\"" + plain(context.frontId) +
                                    "\";proto=" + plain(context.scheme));
  out.emplace_back("X-Forwarded-For", hostOf(client));
  out.emplace_back("X-Forwarded-Proto", plain(context.scheme));
  return out;
}

HeaderList downstreamResponseHeaders(const HeaderList& upstreamHeaders) {
  HeaderList out;
  for (const auto& [name, value] : upstreamHeaders)
    if (passesToEnrolee(name)) out.emplace_back(name, value);
  return out;
}

}  // namespace rspf::cse_front
