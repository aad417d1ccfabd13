#include "cse_front/front_settings.hpp"

#include "common/error.hpp"
#include "common/time.hpp"
#include "transport/https/http_client.hpp"

namespace rspf::cse_front {
namespace {

std::size_t boundedSize(const config::ConfigFile& f, const char* key, std::size_t fallback, std::size_t min,
                        std::size_t max) {
  auto v = f.integer(key);
  if (!v) return fallback;
  if (*v < static_cast<std::int64_t>(min) || *v > static_cast<std::int64_t>(max))
    throw Error(ErrorCode::Config,
                std::string(key) + " must be between " + std::to_string(min) + " and " + std::to_string(max));
  return static_cast<std::size_t>(*v);
}

std::chrono::milliseconds durationOf(const config::ConfigFile& f, const char* key, std::chrono::milliseconds fallback) {
  auto text = f.string(key);
  if (!text) return fallback;
  auto d = parseDuration(*text);
  if (!d || d->count() <= 0 || d->count() > 600)
    throw Error(ErrorCode::Config, std::string(key) + " takes a duration between 1s and 10m, such as \"10s\"");
  return *d;
}

bool plainValue(const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x21 || c == 0x7f || c == '"' || c == '\\') return false;
  return true;
}

}  // namespace

std::optional<FrontSettings> loadFrontSettings(const config::ConfigFile& f) {
  auto upstream = f.string("target.upstream");
  if (!upstream) return std::nullopt;
  auto url = transport::parseHttpUrl(*upstream);
  if (!url) throw Error(ErrorCode::Config, "target.upstream must be the CSE's HTTP binding, http://host[:port][/path]");
  FrontSettings s;
  s.upstream.url = *url;
  s.upstream.poolSize = boundedSize(f, "target.upstream_pool_size", 8, 1, 1024);
  s.upstream.connectTimeout = durationOf(f, "target.upstream_connect_timeout", std::chrono::seconds(2));
  s.upstream.responseTimeout = durationOf(f, "target.upstream_timeout", std::chrono::seconds(10));
  s.upstream.maxResponseBytes = boundedSize(f, "target.max_response_bytes", 1024 * 1024, 1024, 64 * 1024 * 1024);
  s.maxBodyBytes = boundedSize(f, "target.max_body_bytes", 64 * 1024, 1, 16 * 1024 * 1024);
  s.mapping.prefix = f.string("target.originator_prefix").value_or("");
  s.mapping.stripSuffix = f.string("target.originator_strip_suffix").value_or("");
  if (!plainValue(s.mapping.prefix) || !plainValue(s.mapping.stripSuffix))
    throw Error(ErrorCode::Config, "target.originator_prefix and originator_strip_suffix take printable ASCII only");
  s.denyList = f.strings("target.deny_originators").value_or(std::vector<std::string>{});
  for (const auto& d : s.denyList)
    if (d.empty() || d == "*") throw Error(ErrorCode::Config, "target.deny_originators holds an empty or \"*\" entry");
  auto admin = f.string("target.cse_admin_originator");
  auto rule = f.string("target.cse_app_rule");
  if (admin && !admin->empty()) {
    if (!plainValue(*admin)) throw Error(ErrorCode::Config, "target.cse_admin_originator takes printable ASCII only");
    if (!rule || rule->size() < 2 || rule->front() != '/')
      throw Error(ErrorCode::Config,
                  "target.cse_app_rule (the path of the CSE's <serviceSubscribedAppRule>, e.g. \"/cse-in/asar-rspf\") "
                  "is required with cse_admin_originator");
    s.appRule = AppRuleSettings{*admin, *rule};
  } else if (rule) {
    throw Error(ErrorCode::Config, "target.cse_app_rule needs target.cse_admin_originator");
  }
  return s;
}

}  // namespace rspf::cse_front
