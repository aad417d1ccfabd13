#pragma once
// MEF Key Retrieval Procedure (seed 8.3.3.6; PROTOCOL.md 4.3).
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "procedures/mef_settings.hpp"
#include "store/store.hpp"
#include "tls/authenticated_peer.hpp"

namespace rspf::procedures {

struct KeyRetrievalRequest {
  std::string keyIdentifier;        // KeId, or the seed's bare RelativeKeId
  std::optional<std::string> suid;  // /fetchCredentials/<KeId>/<SUID> form
  std::string requesterId;          // X-M2M-Origin or From
};

class MefKeyRetrieval {
 public:
  MefKeyRetrieval(store::Store& store, MefSettings settings) : store_(store), settings_(std::move(settings)) {}

  // 200 body, or throws Error: BadRequest (malformed), Forbidden (requester not authenticated as
  // itself, not a target, not authorized for the triple), NotFound (unknown or expired key),
  // Conflict (seed form with several authorized usages).
  nlohmann::json run(const tls::AuthenticatedPeer& peer, const KeyRetrievalRequest& request);

 private:
  store::Store& store_;
  MefSettings settings_;
};

}  // namespace rspf::procedures
