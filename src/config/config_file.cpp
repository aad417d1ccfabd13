#include "config/config_file.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <sstream>

#include "common/closest_match.hpp"
#include "common/error.hpp"

namespace rspf::config {

struct ConfigFile::Table {
  toml::table root;
  toml::node_view<const toml::node> at(std::string_view key) const { return root.at_path(key); }
};

namespace {

toml::table parse(const std::filesystem::path& path) {
  try {
    return toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << path.string() << ":" << e.source().begin.line << ":" << e.source().begin.column << ": " << e.description();
    throw Error(ErrorCode::Config, msg.str());
  }
}

std::string where(const std::filesystem::path& path, const toml::source_region& source) {
  const auto& begin = source.begin;
  return path.string() + ":" + std::to_string(begin.line) + ":" + std::to_string(begin.column) + ": ";
}

std::string where(const std::filesystem::path& path, const toml::node& node) { return where(path, node.source()); }

const TableSpec* findTable(const Schema& schema, std::string_view name) {
  for (const auto& t : schema)
    if (t.name == name) return &t;
  return nullptr;
}

bool declares(const TableSpec& table, std::string_view key) {
  for (const auto& k : table.keys)
    if (k.name == key) return true;
  return false;
}

// "did you mean 'crl' in [tls]?": a near name in the same table first, then the same or a near name
// elsewhere (a key put under the wrong table).
std::string suggestKey(const Schema& schema, const TableSpec& table, std::string_view key) {
  std::vector<std::string> same;
  for (const auto& k : table.keys) same.emplace_back(k.name);
  if (auto near = closestMatch(key, same); !near.empty()) return " (did you mean '" + near + "'?)";
  std::vector<std::string> elsewhere;
  for (const auto& t : schema)
    for (const auto& k : t.keys)
      if (&t != &table) elsewhere.push_back(std::string(t.name) + "." + std::string(k.name));
  std::vector<std::string> names;
  for (const auto& e : elsewhere) names.push_back(e.substr(e.find('.') + 1));
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == key)
      return " (did you mean '" + names[i] + "' in [" + elsewhere[i].substr(0, elsewhere[i].find('.')) + "]?)";
  if (auto near = closestMatch(key, names); !near.empty())
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == near)
        return " (did you mean '" + near + "' in [" + elsewhere[i].substr(0, elsewhere[i].find('.')) + "]?)";
  return "";
}

std::vector<std::string> unknownIn(const std::filesystem::path& path, const toml::table& root, const Schema& schema) {
  std::vector<std::string> problems;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> positions;  // sorts problems by line
  // Keys are placed by the key itself (a value's position is after the '='), tables by their header.
  auto add = [&](const toml::source_region& source, std::string text) {
    positions.emplace_back(source.begin.line, source.begin.column);
    problems.push_back(where(path, source) + std::move(text));
  };
  std::vector<std::string> tableNames;
  for (const auto& t : schema) tableNames.emplace_back(t.name);
  for (const auto& [name, node] : root) {
    const std::string key(name.str());
    const auto* spec = findTable(schema, key);
    if (!node.is_table()) {
      add(name.source(), "'" + key + "' is outside any table" + (spec ? " (it names the table [" + key + "])" : ""));
      continue;
    }
    if (!spec) {
      auto near = closestMatch(key, tableNames);
      add(node.source(), "unknown table [" + key + "]" + (near.empty() ? "" : " (did you mean [" + near + "]?)"));
      continue;
    }
    for (const auto& [innerName, inner] : *node.as_table()) {
      const std::string innerKey(innerName.str());
      if (declares(*spec, innerKey)) {
        if (inner.is_table() || inner.is_array())
          add(innerName.source(), "'" + key + "." + innerKey + "' must be a single value");
        continue;
      }
      add(innerName.source(), "unknown key '" + innerKey + "' in [" + key + "]" + suggestKey(schema, *spec, innerKey));
    }
  }
  std::vector<std::size_t> order(problems.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return positions[a] < positions[b]; });
  std::vector<std::string> sorted;
  for (auto i : order) sorted.push_back(std::move(problems[i]));
  return sorted;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

}  // namespace

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

ConfigFile::ConfigFile(const std::filesystem::path& path, const Schema& schema)
    : ConfigFile(path, schema, std::make_unique<Table>(Table{parse(path)})) {}

ConfigFile::ConfigFile(const std::filesystem::path& path, const Schema& schema, std::unique_ptr<Table> table)
    : file_(path), schema_(schema), table_(std::move(table)) {
  auto problems = unknownIn(file_, table_->root, schema_);
  if (!problems.empty()) throw Error(ErrorCode::Config, joined(problems));
}

ConfigFile::~ConfigFile() = default;

std::vector<std::string> ConfigFile::unknownKeys(const std::filesystem::path& path, const Schema& schema) {
  return unknownIn(path, parse(path), schema);
}

void ConfigFile::requireDeclared(std::string_view key) const {
  auto dot = key.find('.');
  const auto* table = dot == std::string_view::npos ? nullptr : findTable(schema_, key.substr(0, dot));
  if (!table || !declares(*table, key.substr(dot + 1)))
    throw Error(ErrorCode::Internal, "configuration key '" + std::string(key) + "' is read but not declared");
}

std::optional<std::string> ConfigFile::string(std::string_view key) const {
  requireDeclared(key);
  auto node = table_->at(key);
  if (!node) return std::nullopt;
  if (auto v = node.value<std::string>()) return v;
  throw Error(ErrorCode::Config, where(file_, *node.node()) + "'" + std::string(key) + "' must be a string");
}

std::string ConfigFile::requireString(std::string_view key) const {
  auto v = string(key);
  if (!v || v->empty()) throw Error(ErrorCode::Config, file_.string() + ": '" + std::string(key) + "' is required");
  return *v;
}

std::optional<std::int64_t> ConfigFile::integer(std::string_view key) const {
  requireDeclared(key);
  auto node = table_->at(key);
  if (!node) return std::nullopt;
  if (auto v = node.value<std::int64_t>()) return v;
  throw Error(ErrorCode::Config, where(file_, *node.node()) + "'" + std::string(key) + "' must be an integer");
}

std::optional<bool> ConfigFile::boolean(std::string_view key) const {
  requireDeclared(key);
  auto node = table_->at(key);
  if (!node) return std::nullopt;
  if (auto v = node.value<bool>()) return v;
  throw Error(ErrorCode::Config, where(file_, *node.node()) + "'" + std::string(key) + "' must be true or false");
}

std::optional<std::vector<std::string>> ConfigFile::strings(std::string_view key) const {
  requireDeclared(key);
  auto node = table_->at(key);
  if (!node) return std::nullopt;
  auto fail = [&] {
    return Error(ErrorCode::Config,
                 where(file_, *node.node()) + "'" + std::string(key) + "' must be an array of strings");
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
