#include "target/target_coaps_listener.hpp"

#include "common/text_file.hpp"

namespace rspf::target {
namespace {

transport::CoapsServerSettings settingsOf(const config::HostPort& listen, const std::string& targetId,
                                          transport::ServerObserver* observer, TargetCoapsListener::Admit admit) {
  transport::CoapsServerSettings s;
  s.host = listen.host;
  s.port = listen.port;
  s.serverName = targetId;
  s.observer = observer;
  s.onAuthenticated = std::move(admit);
  return s;
}

}  // namespace

TargetCoapsListener::TargetCoapsListener(const config::HostPort& listen, const std::string& targetId,
                                         transport::ServerObserver* observer, tls::PskIdentityResolver& resolver,
                                         Admit admit, Handler handle, std::optional<std::filesystem::path> readyFile)
    : host_(listen.host),
      readyFile_(std::move(readyFile)),
      server_(settingsOf(listen, targetId, observer, std::move(admit)), resolver,
              [handle = std::move(handle)](const tls::AuthenticatedPeer& peer, const transport::Request& r) {
                transport::HttpRequest http{std::string(transport::methodName(r.method)), r.target, {}, r.body};
                return transport::jsonResponse(handle(peer, http).body);
              }) {}

void TargetCoapsListener::start() {
  server_.start();
  if (readyFile_) writeReadyFile(readyFile_->string() + ".coaps", host_, server_.port());
}

}  // namespace rspf::target
