// The HTTP Digest header fields of GBA's Ub (transport/https/digest_header): the BSF parses an
// anonymous client's Authorization, the Enrolee the BSF's WWW-Authenticate and Authentication-Info.
#include <cstdlib>

#include "fuzz_support.hpp"
#include "transport/https/digest_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rspf;
  auto text = fuzz::textOf(data, size);
  fuzz::refusedOrParsed([&] {
    auto digest = transport::DigestParameters::parse(text);
    std::vector<transport::DigestField> fields;
    for (const char* name : {"username", "realm", "nonce", "uri", "response", "qop", "nc", "cnonce", "opaque",
                             "algorithm", "auts", "nextnonce", "rspauth"}) {
      if (auto value = digest.get(name)) fields.push_back({name, *value, true});
    }
    // Fields written back (quoted, escaped) and read again give the same values.
    if (!fields.empty()) {
      auto again = transport::DigestParameters::parse(transport::formatDigestHeader(fields));
      for (const auto& f : fields)
        if (again.get(f.name) != f.value) std::abort();
    }
    digest.require("username");  // what the BSF asks for by name
  });
  return 0;
}
