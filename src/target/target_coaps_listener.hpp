#pragma once
// An Enrolment Target's CoAPS listener (`[target]` or `[maf]` listen_coaps; PROTOCOL.md 7): DTLS-PSK
// Enrolees resolved by the target's framework (KeId, derived identifier, KmId), admitted to its
// ServiceSubscribedAppRule record as they authenticate, and served the target's own resources by its
// HTTPS handler, over neutral messages. start() writes "<ready_file>.coaps".
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "config/config_file.hpp"
#include "tls/authenticated_peer.hpp"
#include "tls/psk_identity_resolver.hpp"
#include "transport/coaps/coaps_server.hpp"
#include "transport/https/http_message.hpp"
#include "transport/server_observer.hpp"

namespace rspf::target {

class TargetCoapsListener {
 public:
  using Admit = std::function<void(const tls::AuthenticatedPeer& peer)>;
  using Handler =
      std::function<transport::HttpResponse(const tls::AuthenticatedPeer& peer, const transport::HttpRequest& request)>;

  // Binds at once (throws Error(Config) if the address is taken).
  TargetCoapsListener(const config::HostPort& listen, const std::string& targetId, transport::ServerObserver* observer,
                      tls::PskIdentityResolver& resolver, Admit admit, Handler handle,
                      std::optional<std::filesystem::path> readyFile);

  void start();
  void stop() { server_.stop(); }
  void wait() { server_.wait(); }

 private:
  std::string host_;
  std::optional<std::filesystem::path> readyFile_;
  transport::CoapsServer server_;
};

}  // namespace rspf::target
