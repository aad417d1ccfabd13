#pragma once
// What a role's configuration file may contain: its tables, their keys, and what each key holds.
// A loader declares its schema; ConfigFile rejects anything else with the file, line and a
// "did you mean" suggestion, and `rspf <role> --check` uses the kinds to test files and values.
#include <string_view>
#include <vector>

namespace rspf::config {

enum class KeyKind {
  Value,         // a string, integer or boolean the loader checks itself
  HostPort,      // "host:port"
  Duration,      // "300s", "5m", "7d"
  Certificate,   // PEM certificate file (leaf first); must parse and be valid now
  Certificates,  // PEM trust anchors; must parse and be valid now
  PrivateKey,    // PEM private key, mode 0600
  SecretFile,    // a key or token file, mode 0600 (may be created by rspf when absent)
  Crl,           // PEM or DER CRL; its nextUpdate must not have passed
  OutputFile,    // written by rspf; its folder must exist
  SqliteStore,   // the SQLite store; it must open and its schema version be known
};

struct KeySpec {
  std::string_view name;
  KeyKind kind = KeyKind::Value;
};

struct TableSpec {
  std::string_view name;
  std::vector<KeySpec> keys;
};

using Schema = std::vector<TableSpec>;

}  // namespace rspf::config
