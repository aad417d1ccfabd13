#pragma once
// Which HTTP headers cross the front (issue 15 items 1-2; TS-0009 6.4). Towards the CSE: the
// oneM2M request headers (X-M2M-*, but never the client's X-M2M-Origin), Content-Type (with its
// ty= parameter, TS-0009 6.4.3), Accept, Authorization (the Tokens parameter, 6.4.19) and the
// conditional-request headers (6.4.6); everything
// else is dropped, in particular hop-by-hop fields and the spoofable client-address headers
// (remoteaddress, Forwarded, X-Forwarded-*, X-Real-IP, Via). The front adds the headers it owns:
// X-M2M-Origin (the authenticated Enrolee's originator), Forwarded (RFC 7239) and
// X-Forwarded-For / X-Forwarded-Proto naming the Enrolee's address. Towards the Enrolee: the
// CSE's X-M2M-* response headers, Content-Location (6.4.4) and ETag; the status, Content-Type and
// body are carried as they are.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "transport/https/http_message.hpp"

namespace rspf::cse_front {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct ForwardingContext {
  std::string originator;     // X-M2M-Origin towards the CSE
  std::string clientAddress;  // "ip:port" of the Enrolee, as the listener saw it
  std::string frontId;        // this Enrolment Target's ID (Forwarded: by=)
  std::string scheme = "https";
};

bool passesToCse(std::string_view requestHeader);
bool passesToEnrolee(std::string_view responseHeader);

// The headers of the request sent to the CSE (without Host and Content-Length, which the
// upstream connection sets).
HeaderList upstreamRequestHeaders(const transport::HttpRequest& request, const ForwardingContext& context);
// The headers of the CSE's answer that the Enrolee gets (Content-Type travels separately).
HeaderList downstreamResponseHeaders(const HeaderList& upstreamHeaders);

}  // namespace rspf::cse_front
