#pragma once
// A peer's address without its port, as the per-source limits count it (BSF challenges, audit
// aggregation): "192.0.2.1:4000" -> "192.0.2.1", "[2001:db8::1]:4000" -> "2001:db8::1"; a bare
// address as it is.
#include <string>
#include <string_view>

namespace rspf {

std::string addressOf(std::string_view remote);

}  // namespace rspf
