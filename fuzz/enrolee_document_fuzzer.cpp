// The JSON form of an Enrolee registration and of an enrolment policy (admin/enrolee_document), as
// POST /admin/v1/enrolees and PUT .../policy take them, and a "TARGET-ID:USAGE" direct key pair.
#include <nlohmann/json.hpp>

#include "admin/administration.hpp"
#include "admin/enrolee_document.hpp"
#include "fuzz_support.hpp"
#include "procedures/json_body.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rspf;
  auto text = fuzz::textOf(data, size);
  fuzz::refusedOrParsed([&] { admin::parseDirectKeyPair(text); });
  nlohmann::json document;
  if (!fuzz::refusedOrParsed([&] { document = procedures::parseJsonObject(text); })) return 0;
  fuzz::refusedOrParsed([&] {
    auto policy = admin::policyFromJson(document);
    admin::validatePolicy(policy);
    // A policy read back can be written back (the admin API's promise), and says the same.
    auto described = admin::describePolicy(policy);
    if (admin::describePolicy(admin::policyFromJson(described)) != described) std::abort();
    described.dump();
  });
  fuzz::refusedOrParsed([&] {
    auto request = admin::addEnroleeRequestFromJson(document);
    admin::validatePolicy(request.policy);
  });
  return 0;
}
