// The BSF's answer on Zn (bootstrap/gba/zn_client, znAnswerOf) as the MEF reads it: the first byte
// picks the HTTP status, the rest is the body.
#include "bootstrap/gba/zn_client.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rspf;
  if (size < 1) return 0;
  static constexpr int kStatuses[] = {200, 404, 403, 500};
  transport::HttpResponse response;
  response.status = kStatuses[data[0] % 4];
  response.body = std::string(fuzz::textOf(data + 1, size - 1));
  fuzz::refusedOrParsed([&] {
    auto keys = bootstrap::znAnswerOf(response);
    if (keys && keys->ksNaf.size() == 0) std::abort();
  });
  return 0;
}
