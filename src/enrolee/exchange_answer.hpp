#pragma once
// The MEF's answer to the Enrolment Exchange (seed 8.3.3.1; PROTOCOL.md 4.1) as the Enrolee reads it:
// untrusted bytes until checked here (fuzz/exchange_answer_fuzzer.cpp).
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "common/time.hpp"
#include "crypto/provisioned_keys.hpp"

namespace rspf::enrolee {

struct ExchangeAnswer {
  std::string keId;
  std::string kreId;
  TimePoint expiry{};
  crypto::KeyProfile keyProfile = crypto::KeyProfile::Current;
  // An array of objects, each with a string "type"; those the Enrolee acts on are complete:
  // directKeys (pairs of string targetId and usage), mafEnrolment (string mafId, credentialType),
  // certificateEnrolment (string uri).
  nlohmann::json instructions = nlohmann::json::array();
};

// {"keId", "kreId", "expiry": RFC 3339, "keyProfile"?, "instructions"?: [...]}. Throws
// Error(Internal) naming what is malformed.
ExchangeAnswer parseExchangeAnswer(std::string_view body);

}  // namespace rspf::enrolee
