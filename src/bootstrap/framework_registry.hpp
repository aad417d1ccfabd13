#pragma once
// The MEF's bootstrap frameworks, as its configuration turned them on (mef/mef_frameworks.cpp):
// a PSK identity is offered to each PSK framework in turn and the first that knows it answers; a
// client certificate to each certificate framework. The answer carries the framework's name and
// grants, whatever the framework itself wrote.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bootstrap/framework.hpp"

namespace rspf::bootstrap {

class FrameworkRegistry final : public tls::PskIdentityResolver, public tls::CertificatePeerResolver {
 public:
  FrameworkRegistry() = default;
  FrameworkRegistry(const FrameworkRegistry&) = delete;
  FrameworkRegistry& operator=(const FrameworkRegistry&) = delete;

  // In the order they are asked.
  void add(std::unique_ptr<Framework> framework);

  std::optional<tls::ResolvedPsk> resolve(std::string_view identity) override;
  std::optional<tls::ResolvedPsk> resolveInHandshake(std::string_view identity,
                                                     const tls::HandshakeContext& context) override;
  std::optional<tls::ResolvedPsk> resolve(const tls::PresentedCertificate& presented) override;
  // The first PSK framework that starts preparing `identity` (a fetch off the network thread) holds it.
  bool prepare(std::string_view identity, std::function<void()> ready) override;

  bool authenticatesCertificates() const;
  std::string pskIdentityHint() const;  // the first framework's that has one, else ""
  std::vector<std::string> names() const;

 private:
  std::vector<std::unique_ptr<Framework>> frameworks_;
};

}  // namespace rspf::bootstrap
