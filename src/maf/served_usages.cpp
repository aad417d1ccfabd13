#include "maf/served_usages.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "crypto/provisioned_keys.hpp"
#include "target/enrolment_target_framework.hpp"

namespace rspf::maf {

std::vector<std::string> servedUsages(const tls::AuthenticatedPeer& peer) {
  std::vector<std::string> usages;
  auto found = peer.attributes.find(target::kUsagesAttribute);
  if (found == peer.attributes.end()) return usages;
  std::string_view rest = found->second;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    usages.emplace_back(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  return usages;
}

void requireServedUsage(const tls::AuthenticatedPeer& peer, std::string_view usage) {
  auto parsed = crypto::parseUsage(usage);
  if (!parsed || *parsed == crypto::Usage::MAF)
    throw Error(ErrorCode::BadRequest, "'usage' must be \"SAEF\", \"ESPrim\" or \"ESData\"");
  auto usages = servedUsages(peer);
  if (std::find(usages.begin(), usages.end(), usage) == usages.end()) {
    std::string allowed;
    for (const auto& u : usages) allowed += (allowed.empty() ? "" : ", ") + u;
    throw Error(ErrorCode::Forbidden, "this MAF may not be used for " + std::string(usage) + " by '" + peer.principal +
                                          "' (allowed: " + (allowed.empty() ? "none" : allowed) + ")");
  }
}

}  // namespace rspf::maf
