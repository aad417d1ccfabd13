#pragma once
// The MEF's bootstrap frameworks, asked in turn; the first that knows the identity answers.
#include <vector>

#include "tls/psk_identity_resolver.hpp"

namespace rspf::bootstrap {

class FrameworkChain : public tls::PskIdentityResolver {
 public:
  explicit FrameworkChain(std::vector<tls::PskIdentityResolver*> frameworks) : frameworks_(std::move(frameworks)) {}
  std::optional<tls::ResolvedPsk> resolve(std::string_view identity) override {
    return resolveInHandshake(identity, tls::HandshakeContext{});
  }
  std::optional<tls::ResolvedPsk> resolveInHandshake(std::string_view identity,
                                                     const tls::HandshakeContext& context) override {
    for (auto* f : frameworks_)
      if (auto r = f->resolveInHandshake(identity, context)) return r;
    return std::nullopt;
  }
  bool prepare(std::string_view identity, std::function<void()> ready) override {
    for (auto* f : frameworks_)
      if (f->prepare(identity, ready)) return true;
    return false;
  }

 private:
  std::vector<tls::PskIdentityResolver*> frameworks_;
};

}  // namespace rspf::bootstrap
