#include "admin_api/admin_api_settings.hpp"

#include "common/error.hpp"
#include "config/config_file.hpp"
#include "config/listener_limits_config.hpp"

namespace rspf::admin_api {

config::TableSpec adminApiTable() {
  using config::KeyKind;
  return config::withListenerLimits({"admin_api",
                                     {{"listen", KeyKind::HostPort},
                                      {"client_trust_anchors", KeyKind::Certificates},
                                      {"token_file", KeyKind::SecretFile},
                                      {"certificate", KeyKind::Certificate},
                                      {"private_key", KeyKind::PrivateKey},
                                      {"max_body_bytes"},
                                      {"ready_file", KeyKind::OutputFile}}});
}

std::optional<AdminApiSettings> loadAdminApiSettings(const config::ConfigFile& file) {
  auto listen = file.string("admin_api.listen");
  if (!listen) {
    for (const char* key : {"admin_api.client_trust_anchors", "admin_api.token_file", "admin_api.certificate",
                            "admin_api.private_key", "admin_api.ready_file"})
      if (file.string(key)) throw Error(ErrorCode::Config, std::string(key) + " needs admin_api.listen");
    return std::nullopt;
  }
  auto address = config::parseHostPort(*listen, "admin_api.listen");
  AdminApiSettings s;
  s.host = address.host;
  s.port = address.port;
  s.clientTrustAnchors = file.path("admin_api.client_trust_anchors");
  s.tokenFile = file.path("admin_api.token_file");
  if (!s.clientTrustAnchors && !s.tokenFile)
    throw Error(ErrorCode::Config,
                "admin_api.listen needs a credential: admin_api.client_trust_anchors (mutual TLS), "
                "admin_api.token_file (bearer token), or both");
  s.certificate = file.path("admin_api.certificate");
  s.privateKey = file.path("admin_api.private_key");
  if (s.certificate.has_value() != s.privateKey.has_value())
    throw Error(ErrorCode::Config, "admin_api.certificate and admin_api.private_key go together");
  auto maxBody = file.integer("admin_api.max_body_bytes").value_or(static_cast<std::int64_t>(s.maxBodyBytes));
  if (maxBody < 1024 || maxBody > 256 * 1024 * 1024)
    throw Error(ErrorCode::Config, "admin_api.max_body_bytes must be 1024 to 268435456");
  s.maxBodyBytes = static_cast<std::size_t>(maxBody);
  s.readyFile = file.path("admin_api.ready_file");
  s.limits = config::loadListenerLimits(file, "admin_api", AdminApiSettings::defaultLimits());
  return s;
}

}  // namespace rspf::admin_api
