// The HTTPS binding's request path (transport/https/request_reader): bytes as they arrive on a
// connection after the handshake, read the way the server's session reads them (the header with
// its limit, the declared body refused or admitted, the body with its limit, keep-alive requests one
// after another), each request or refusal turned into what the session hands on or sends back.
#include "fuzz_http.hpp"
#include "fuzz_support.hpp"
#include "transport/https/query_string.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rspf;
  fuzz::forEachRequest(fuzz::textOf(data, size), transport::RequestLimits{}, 8,
                       [](const transport::HttpRequest& request) {
                         // What the routers and the log read of every request.
                         transport::pathSegments(request.target);
                         request.header("X-M2M-Origin");
                         request.header("Content-Type");
                         fuzz::refusedOrParsed([&] { transport::queryParameter(request.target, "label"); });
                         fuzz::refusedOrParsed([&] { transport::requireMethod(request, "POST"); });
                       });
  return 0;
}
