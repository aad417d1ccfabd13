// The MEF's Key Retrieval answer (target/key_retrieval_answer) as a target reads it.
#include "fuzz_support.hpp"
#include "target/key_retrieval_answer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rspf;
  fuzz::refusedOrParsed([&] {
    auto key = target::parseKeyRetrievalAnswer(fuzz::textOf(data, size));
    if (key.key.size() == 0 || key.enroleeId.empty() || key.credentialId.empty()) std::abort();
  });
  return 0;
}
