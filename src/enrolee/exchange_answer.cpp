#include "enrolee/exchange_answer.hpp"

#include "common/error.hpp"
#include "common/strict_json.hpp"

namespace rspf::enrolee {
namespace {

[[noreturn]] void malformed(const std::string& what) {
  throw Error(ErrorCode::Internal, "the MEF's enrolment exchange answer is malformed: " + what);
}

const std::string& text(const nlohmann::json& object, const char* name, const char* where) {
  auto found = object.find(name);
  if (found == object.end() || !found->is_string()) malformed(std::string(where) + " needs the string '" + name + "'");
  return found->get_ref<const std::string&>();
}

void checkInstruction(const nlohmann::json& instruction) {
  if (!instruction.is_object()) malformed("an instruction is not an object");
  const auto& type = text(instruction, "type", "an instruction");
  if (type == "directKeys") {
    auto pairs = instruction.find("pairs");
    if (pairs == instruction.end() || !pairs->is_array()) malformed("directKeys needs an array 'pairs'");
    for (const auto& pair : *pairs) {
      if (!pair.is_object()) malformed("a directKeys pair is not an object");
      text(pair, "targetId", "a directKeys pair");
      text(pair, "usage", "a directKeys pair");
    }
  } else if (type == "mafEnrolment") {
    text(instruction, "mafId", "mafEnrolment");
    text(instruction, "credentialType", "mafEnrolment");
  } else if (type == "certificateEnrolment") {
    text(instruction, "uri", "certificateEnrolment");
  }
}

}  // namespace

ExchangeAnswer parseExchangeAnswer(std::string_view body) {
  auto json = parseStrictJsonOrDiscarded(body);
  if (!json.is_object()) malformed("not a JSON object");
  ExchangeAnswer answer;
  answer.keId = text(json, "keId", "the answer");
  answer.kreId = text(json, "kreId", "the answer");
  auto expiry = parseRfc3339(text(json, "expiry", "the answer"));
  if (!expiry) malformed("'expiry' is not an RFC 3339 time");
  answer.expiry = *expiry;
  if (json.contains("keyProfile")) {
    auto profile = crypto::parseKeyProfile(text(json, "keyProfile", "the answer"));
    if (!profile) malformed("unknown 'keyProfile'");
    answer.keyProfile = *profile;
  }
  if (auto instructions = json.find("instructions"); instructions != json.end()) {
    if (!instructions->is_array()) malformed("'instructions' is not an array");
    for (const auto& instruction : *instructions) checkInstruction(instruction);
    answer.instructions = std::move(*instructions);
  }
  return answer;
}

}  // namespace rspf::enrolee
