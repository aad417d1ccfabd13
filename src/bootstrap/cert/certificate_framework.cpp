#include "bootstrap/cert/certificate_framework.hpp"

#include <spdlog/spdlog.h>

#include "ca/general_names.hpp"

namespace rspf::bootstrap {
namespace {

constexpr std::string_view kAeUriScheme = "onem2m://";

}  // namespace

std::optional<tls::ResolvedPsk> CertificateFramework::resolve(X509& leaf) {
  std::vector<std::string> matches;
  for (const auto& name : ca::subjectAltNamesOf(leaf)) {
    std::string candidate;
    if (name.kind == ca::SubjectAltName::Kind::Dns) candidate = name.value;
    if (name.kind == ca::SubjectAltName::Kind::Uri && name.value.rfind(kAeUriScheme, 0) == 0)
      candidate = name.value.substr(kAeUriScheme.size());
    if (!candidate.empty() && store_.findEnroleeStatus(candidate)) matches.push_back(candidate);
  }
  if (matches.size() != 1) {
    spdlog::info("client certificate refused: its subjectAltName names {} registered Enrolees", matches.size());
    return std::nullopt;
  }
  tls::ResolvedPsk resolved;
  resolved.framework = kCertificateFramework;
  resolved.principal = matches.front();
  return resolved;
}

}  // namespace rspf::bootstrap
