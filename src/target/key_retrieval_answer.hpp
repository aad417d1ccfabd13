#pragma once
// The MEF's answer to MEF Key Retrieval (seed 8.3.3.6; PROTOCOL.md 4.3) as a target reads it:
// untrusted bytes until checked here (fuzz/key_retrieval_answer_fuzzer.cpp).
#include <string_view>

#include "target/provisioned_key_cache.hpp"

namespace rspf::target {

// {"Status": true, "Credential": base64, "EnroleeID", "CredentialId", "Lifetime": RFC 3339,
//  "Usages"?: [strings], "KcId"?: string}. Throws Error(Internal) naming what is malformed; a key is
// never empty.
ProvisionedKey parseKeyRetrievalAnswer(std::string_view body);

}  // namespace rspf::target
