#pragma once
// MEF Key Retrieval over CoAPS (seed 8.3.3.6; PROTOCOL.md 7), for a target whose [mef] url is
// coaps://: one kept-alive DTLS session with the MEF, authenticated by the target's KreId/Kre (or a
// MAF's certificate), the requester in oneM2M-FR. libcoap sessions are single-threaded, so fetches take turns on it. A
// session idle for longer than the MEF keeps idle DTLS sessions (30 s, transport/coaps/coaps_server) is opened afresh
// instead of sent on, and a session that failed is opened again once for the same request. It lives with the credential
// it was opened with (MefKeyFetcher): no session outlives its key.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "transport/coaps/coaps_client.hpp"

namespace rspf::target {

class MefCoapsSession {
 public:
  // `open` makes a session authenticated with the target's credential (a DTLS handshake).
  using Opener = std::function<std::unique_ptr<transport::CoapsClient>()>;
  explicit MefCoapsSession(Opener open) : open_(std::move(open)) {}

  // GET `path` as `originator`: the MEF's answer, or Error with its refusal (NotFound, Forbidden, ...),
  // Error(Unavailable) when it cannot be reached, Error(Tls) when it refuses the handshake.
  transport::Response get(const std::string& path, const std::string& originator);
  std::uint64_t opened() const;

 private:
  std::unique_ptr<transport::CoapsClient> open();

  Opener open_;
  mutable std::mutex mutex_;
  std::unique_ptr<transport::CoapsClient> client_;
  std::chrono::steady_clock::time_point lastUsed_{};
  std::uint64_t opened_ = 0;
};

}  // namespace rspf::target
