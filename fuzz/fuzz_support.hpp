#pragma once
// What every fuzz target shares (fuzz/README.md). A documented rspf::Error is an accepted answer to
// bad input; the target then builds the JSON error body the servers would send with its message,
// so an error text that cannot be sent (say, bytes that are not UTF-8) is a finding too. Any other
// exception leaves LLVMFuzzerTestOneInput and ends the run: a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "crypto/encoding.hpp"
#include "transport/https/https_server.hpp"

namespace rspf::fuzz {

inline std::string_view textOf(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The error body of a refusal, serialised as the binding serialises it.
inline std::size_t answer(const Error& e) {
  return transport::errorResponse(httpStatusOf(e.code()), e.what()).body.size();
}

// Runs `parse`; a thrown rspf::Error is answered as the servers answer it. Returns whether it parsed.
template <typename Parse>
bool refusedOrParsed(Parse&& parse) {
  try {
    parse();
    return true;
  } catch (const Error& e) {
    answer(e);
    return false;
  }
}

}  // namespace rspf::fuzz
