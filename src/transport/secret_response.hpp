#pragma once
// A JSON answer that carries a secret (MEF Key Retrieval's credential, seed 8.3.3.6): its body is
// built so that the secret is copied once, into a buffer sized for it, which the binding wipes once
// written (Response::secret).
#include <nlohmann/json.hpp>

#include <string>

#include "transport/message.hpp"

namespace rspf::transport {

// `answer`'s string member `member`, base64 text, is taken out of the tree and written as the
// body's first member, the rest after it: the bytes dump() gives when `member` sorts first among
// the keys, as "Credential" does in a Key Retrieval answer. Throws Error(Internal) when the member
// is missing, not a string or not base64 (wiped first).
Response secretJsonResponse(nlohmann::json answer, const std::string& member);

}  // namespace rspf::transport
