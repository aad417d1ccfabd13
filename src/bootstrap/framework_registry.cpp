#include "bootstrap/framework_registry.hpp"

namespace rspf::bootstrap {
namespace {

std::optional<tls::ResolvedPsk> stamped(const Framework& framework, std::optional<tls::ResolvedPsk> resolved) {
  if (resolved) {
    resolved->framework = std::string(framework.name());
    resolved->grants = framework.grants();
  }
  return resolved;
}

}  // namespace

void FrameworkRegistry::add(std::unique_ptr<Framework> framework) { frameworks_.push_back(std::move(framework)); }

std::optional<tls::ResolvedPsk> FrameworkRegistry::resolve(std::string_view identity) {
  return resolveInHandshake(identity, tls::HandshakeContext{});
}

std::optional<tls::ResolvedPsk> FrameworkRegistry::resolveInHandshake(std::string_view identity,
                                                                      const tls::HandshakeContext& context) {
  for (auto& f : frameworks_)
    if (auto* psk = f->pskIdentities())
      if (auto r = psk->resolveInHandshake(identity, context)) return stamped(*f, std::move(r));
  return std::nullopt;
}

bool FrameworkRegistry::prepare(std::string_view identity, std::function<void()> ready) {
  for (auto& f : frameworks_)
    if (auto* psk = f->pskIdentities())
      if (psk->prepare(identity, ready)) return true;
  return false;
}

std::optional<tls::ResolvedPsk> FrameworkRegistry::resolve(const tls::PresentedCertificate& presented) {
  for (auto& f : frameworks_)
    if (auto* certificates = f->certificates())
      if (auto r = certificates->resolve(presented)) return stamped(*f, std::move(r));
  return std::nullopt;
}

bool FrameworkRegistry::authenticatesCertificates() const {
  for (const auto& f : frameworks_)
    if (f->certificates() != nullptr) return true;
  return false;
}

std::string FrameworkRegistry::pskIdentityHint() const {
  for (const auto& f : frameworks_)
    if (!f->pskIdentityHint().empty()) return std::string(f->pskIdentityHint());
  return "";
}

std::vector<std::string> FrameworkRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& f : frameworks_) out.emplace_back(f->name());
  return out;
}

}  // namespace rspf::bootstrap
