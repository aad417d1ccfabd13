#pragma once
// The [target] keys of forwarding mode (docs/cse-front.md, docs/configuration.md):
//   upstream = "http://127.0.0.1:8080/path"   the CSE's HTTP binding; forwarding is on when set
//   originator_prefix, originator_strip_suffix the Enrolee-ID -> originator mapping
//   deny_originators = ["CAdmin", "/id-in"]    originators no Enrolee may have (admin added)
//   max_body_bytes (65536), max_response_bytes (1048576), upstream_pool_size (8),
//   upstream_timeout ("10s"), upstream_connect_timeout ("2s"),
//   cse_admin_originator, cse_app_rule          the CSE's <serviceSubscribedAppRule> to keep in sync
#include <optional>

#include "config/config_file.hpp"
#include "cse_front/cse_front.hpp"

namespace rspf::cse_front {

// nullopt without `upstream`; throws Error(Config) naming the key at fault.
std::optional<FrontSettings> loadFrontSettings(const config::ConfigFile& file);

}  // namespace rspf::cse_front
