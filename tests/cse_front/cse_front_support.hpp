#pragma once
// What the front's in-process tests share: settings aimed at a stand-in, and an Enrolee's peer.
#include <chrono>

#include "common/time.hpp"
#include "cse_front/cse_front.hpp"
#include "support/cse_stand_in.hpp"
#include "tls/authenticated_peer.hpp"
#include "transport/https/http_client.hpp"

namespace rspf::cse_front {

inline UpstreamSettings upstreamOf(const testing::CseStandIn& cse, std::size_t poolSize = 4,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  UpstreamSettings s;
  s.url = *transport::parseHttpUrl(cse.url());
  s.poolSize = poolSize;
  s.responseTimeout = timeout;
  s.connectTimeout = std::chrono::milliseconds(500);
  return s;
}

inline tls::AuthenticatedPeer enrolee(const std::string& id = "ae1.test.example",
                                      TimePoint lifetime = now() + std::chrono::hours(1)) {
  tls::AuthenticatedPeer p;
  p.framework = "target-key";
  p.principal = id;
  p.pskIdentity = "00112233445566778899aabbccddeeff@mef.test.example";
  p.attributes = {{"credentialId", "12-00112233445566778899aabbccddeeff-22@mef.test.example"},
                  {"lifetime", toRfc3339(lifetime)}};
  p.remoteAddress = "127.0.0.1:50000";
  return p;
}

inline transport::HttpRequest request(std::string method, std::string target,
                                      std::vector<std::pair<std::string, std::string>> headers, std::string body = "") {
  return {std::move(method), std::move(target), std::move(headers), std::move(body)};
}

}  // namespace rspf::cse_front
