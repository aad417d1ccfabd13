#pragma once
// The oneM2M Response Status Codes the front itself answers with (TS-0004 6.6.3), their HTTP
// status (TS-0009 6.3.2, table 6.3.2-1), and the error response a oneM2M client expects: the
// status, X-M2M-RSC, the request's X-M2M-RI echoed, and a JSON body {"m2m:dbg": "<reason>"}
// (TS-0004 7.5.2 debugInfo, short name dbg).
#include <optional>
#include <string>
#include <string_view>

#include "transport/https/http_message.hpp"

namespace rspf::cse_front {

namespace rsc {
inline constexpr int kBadRequest = 4000;
inline constexpr int kRequestTimeout = 4008;              // TS-0009: 504 Gateway Timeout
inline constexpr int kOriginatorHasNoPrivilege = 4103;    // 403
inline constexpr int kOriginatorNotAuthenticated = 4106;  // 403
inline constexpr int kInternalServerError = 5000;
inline constexpr int kTargetNotReachable = 5103;
}  // namespace rsc

// A refusal the front answers itself. `requestId` is the client's X-M2M-RI, echoed when present.
// Never throws: a reason that is not valid UTF-8 is replaced by a fixed text.
transport::HttpResponse onem2mError(int httpStatus, int responseStatusCode, std::string_view reason,
                                    const std::optional<std::string>& requestId);

}  // namespace rspf::cse_front
