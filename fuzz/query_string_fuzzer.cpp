// Query strings of request targets (transport/https/query_string): the admin API's ?label= and
// ?nextNotice=, the BSF's Zn ?btid=&nafId=.
#include <cstdlib>

#include "fuzz_support.hpp"
#include "transport/https/query_string.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rspf;
  auto text = fuzz::textOf(data, size);
  for (const char* name : {"btid", "nafId", "label", "nextUpdate", ""}) {
    fuzz::refusedOrParsed([&] { transport::queryParameter(text, name); });
  }
  // Any value survives percent-encoding and decoding unchanged.
  auto encoded = transport::percentEncode(text);
  auto decoded = transport::queryParameter("/zn/keys?nafId=00&btid=" + encoded, "btid");
  if (!decoded || *decoded != text) std::abort();
  return 0;
}
