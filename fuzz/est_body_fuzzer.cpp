// The bodies of EST simpleenroll / simplereenroll (RFC 7030 4.2.1): base64 of a PKCS#10 request,
// line breaks allowed, as the MEF's registration authority reads them (CertificateRequest::fromEstBody).
#include "fuzz_pki.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rspf;
  const auto& pki = fuzz::Pki::instance();
  auto text = fuzz::textOf(data, size);
  fuzz::refusedOrParsed([&] {
    auto request = ca::CertificateRequest::fromEstBody(text);
    pki.authority.issue(request, pki.policy);
  });
  return 0;
}
