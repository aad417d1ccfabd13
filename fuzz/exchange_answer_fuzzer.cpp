// The MEF's Enrolment Exchange answer (enrolee/exchange_answer) as the Enrolee reads it.
#include "enrolee/exchange_answer.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rspf;
  fuzz::refusedOrParsed([&] {
    auto answer = enrolee::parseExchangeAnswer(fuzz::textOf(data, size));
    if (!answer.instructions.is_array()) std::abort();
    for (const auto& instruction : answer.instructions)
      if (!instruction.is_object() || !instruction.at("type").is_string()) std::abort();
  });
  return 0;
}
