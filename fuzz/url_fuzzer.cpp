// URLs as rspf's clients take them from configuration and bundles (transport/url, the HTTPS client's
// https://host:port, config's host:port).
#include <cstdlib>

#include "config/config_file.hpp"
#include "fuzz_support.hpp"
#include "transport/https/http_client.hpp"
#include "transport/https/https_client.hpp"
#include "transport/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rspf;
  auto text = fuzz::textOf(data, size);
  for (auto [scheme, port] : {std::pair{"http", 80}, std::pair{"https", 443}}) {
    if (auto url = transport::parseUrl(text, scheme, static_cast<std::uint16_t>(port))) {
      if (url->host.empty() || url->target.empty() || url->target.front() != '/') std::abort();
    }
  }
  if (auto url = transport::parseHttpUrl(text); url && url->host.empty()) std::abort();
  if (auto endpoint = transport::parseHttpsUrl(text); endpoint && endpoint->host.empty()) std::abort();
  fuzz::refusedOrParsed([&] { config::parseHostPort(text, "fuzz.listen"); });
  return 0;
}
