#include "config/config_file.hpp"

#include <toml++/toml.h>

#include <charconv>
#include <sstream>

#include "common/error.hpp"

namespace rspf::config {

struct ConfigFile::Table {
  toml::table root;
  toml::node_view<const toml::node> at(std::string_view key) const { return root.at_path(key); }
};

HostPort parseHostPort(std::string_view text, std::string_view what) {
  auto fail = [&] {
    return Error(ErrorCode::Config, std::string(what) + ": expected host:port, got '" + std::string(text) + "'");
  };
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) throw fail();
  HostPort hp;
  std::string_view host = text.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  hp.host = std::string(host);
  std::string_view port = text.substr(colon + 1);
  unsigned value = 0;
  auto r = std::from_chars(port.data(), port.data() + port.size(), value);
  if (r.ec != std::errc() || r.ptr != port.data() + port.size() || value > 65535) throw fail();
  hp.port = static_cast<std::uint16_t>(value);
  return hp;
}

ConfigFile::ConfigFile(const std::filesystem::path& path) : file_(path) {
  try {
    table_ = std::make_unique<Table>(Table{toml::parse_file(path.string())});
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << path.string() << ":" << e.source().begin.line << ":" << e.source().begin.column << ": " << e.description();
    throw Error(ErrorCode::Config, msg.str());
  }
}

ConfigFile::~ConfigFile() = default;

std::optional<std::string> ConfigFile::string(std::string_view key) const {
  auto node = table_->at(key);
  if (!node) return std::nullopt;
  if (auto v = node.value<std::string>()) return v;
  throw Error(ErrorCode::Config, file_.string() + ": '" + std::string(key) + "' must be a string");
}

std::string ConfigFile::requireString(std::string_view key) const {
  auto v = string(key);
  if (!v || v->empty()) throw Error(ErrorCode::Config, file_.string() + ": '" + std::string(key) + "' is required");
  return *v;
}

std::optional<std::int64_t> ConfigFile::integer(std::string_view key) const {
  auto node = table_->at(key);
  if (!node) return std::nullopt;
  if (auto v = node.value<std::int64_t>()) return v;
  throw Error(ErrorCode::Config, file_.string() + ": '" + std::string(key) + "' must be an integer");
}

std::optional<bool> ConfigFile::boolean(std::string_view key) const {
  auto node = table_->at(key);
  if (!node) return std::nullopt;
  if (auto v = node.value<bool>()) return v;
  throw Error(ErrorCode::Config, file_.string() + ": '" + std::string(key) + "' must be true or false");
}

std::optional<std::vector<std::string>> ConfigFile::strings(std::string_view key) const {
  auto node = table_->at(key);
  if (!node) return std::nullopt;
  auto fail = [&] {
    return Error(ErrorCode::Config, file_.string() + ": '" + std::string(key) + "' must be an array of strings");
  };
  const auto* array = node.as_array();
  if (array == nullptr) throw fail();
  std::vector<std::string> out;
  for (const auto& element : *array) {
    auto v = element.value<std::string>();
    if (!v) throw fail();
    out.push_back(*v);
  }
  return out;
}

std::optional<std::filesystem::path> ConfigFile::path(std::string_view key) const {
  auto v = string(key);
  if (!v || v->empty()) return std::nullopt;
  std::filesystem::path p(*v);
  if (p.is_relative()) p = file_.parent_path() / p;
  return p;
}

}  // namespace rspf::config
