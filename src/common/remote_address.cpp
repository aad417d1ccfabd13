#include "common/remote_address.hpp"

namespace rspf {

std::string addressOf(std::string_view remote) {
  if (remote.starts_with('[')) return std::string(remote.substr(1, remote.find(']') - 1));
  auto colon = remote.rfind(':');
  if (colon != std::string_view::npos && remote.find(':') == colon) remote = remote.substr(0, colon);
  return std::string(remote);
}

}  // namespace rspf
