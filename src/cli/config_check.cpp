#include "cli/config_check.hpp"

#include <sqlite3.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <memory>

#include "ca/crl_file.hpp"
#include "ca/pem.hpp"
#include "common/error.hpp"
#include "common/private_file.hpp"
#include "common/time.hpp"
#include "config/config_file.hpp"
#include "store/sqlite/migrations.hpp"

namespace rspf::cli {
namespace {

using config::ConfigFile;
using config::KeyKind;
using config::parseHostPort;
using config::Schema;

// Seconds from now to an ASN.1 time (negative when past).
long long secondsUntil(const ASN1_TIME* t) {
  int days = 0, seconds = 0;
  if (ASN1_TIME_diff(&days, &seconds, nullptr, t) != 1) return 0;
  return static_cast<long long>(days) * 86400 + seconds;
}

std::string validityProblem(X509& certificate) {
  if (secondsUntil(X509_get0_notBefore(&certificate)) > 0) return "is not valid yet (check the clock)";
  if (secondsUntil(X509_get0_notAfter(&certificate)) <= 0) return "has expired";
  return "";
}

void checkCertificates(const std::filesystem::path& file, bool leafOnly) {
  auto certificates = ca::loadCertificatesFile(file);
  if (certificates.empty()) throw Error(ErrorCode::Config, file.string() + " holds no certificate");
  for (std::size_t i = 0; i < (leafOnly ? 1 : certificates.size()); ++i)
    if (auto problem = validityProblem(*certificates[i]); !problem.empty())
      throw Error(ErrorCode::Config,
                  "the certificate " + std::to_string(i + 1) + " in " + file.string() + " " + problem);
}

void checkStore(const std::filesystem::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    auto folder = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
    if (::access(folder.c_str(), W_OK) != 0)
      throw Error(ErrorCode::Config, file.string() + " does not exist and its folder is not writable");
    return;  // created at the first start
  }
  requirePrivateFile(file, "store");
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, sqlite3_close);
  if (rc != SQLITE_OK) throw Error(ErrorCode::Config, "cannot open the store " + file.string());
  int version = 0;
  try {
    version = store::sqlite::readSchemaVersion(db.get());
  } catch (const std::exception&) {
    throw Error(ErrorCode::Config, file.string() + " is not an SQLite database");
  }
  if (version > store::sqlite::currentSchemaVersion())
    throw Error(ErrorCode::Config, "the store " + file.string() + " has schema version " + std::to_string(version) +
                                       ", newer than this rspf knows (" +
                                       std::to_string(store::sqlite::currentSchemaVersion()) + "): upgrade rspf");
  if (version == 0 && st.st_size > 0) throw Error(ErrorCode::Config, file.string() + " is not an rspf store");
}

void checkValue(KeyKind kind, const std::string& text, const std::filesystem::path& path) {
  switch (kind) {
    case KeyKind::Value:
    case KeyKind::Strings: return;
    case KeyKind::HostPort: parseHostPort(text, "the address"); return;
    case KeyKind::Duration:
      if (!parseDuration(text)) throw Error(ErrorCode::Config, "'" + text + "' is not a duration such as 300s or 7d");
      return;
    case KeyKind::Certificate: checkCertificates(path, true); return;
    case KeyKind::Certificates: checkCertificates(path, false); return;
    case KeyKind::PrivateKey:
      requirePrivateFile(path, "private key");
      ca::loadPrivateKeyFile(path);
      return;
    case KeyKind::SecretFile: requirePrivateFile(path, "key file"); return;
    case KeyKind::Crl: {
      auto crl = ca::loadCrlFile(path);
      const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl.get());
      if (next && secondsUntil(next) <= 0)
        throw Error(ErrorCode::Config, "the CRL " + path.string() + " is past its nextUpdate: fetch a fresh one");
      return;
    }
    case KeyKind::OutputFile: {
      auto folder = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
      if (::access(folder.c_str(), W_OK) != 0)
        throw Error(ErrorCode::Config, "the folder of " + path.string() + " is missing or not writable");
      return;
    }
    case KeyKind::SqliteStore: checkStore(path); return;
  }
}

}  // namespace

std::vector<std::string> checkConfiguration(const std::filesystem::path& file, const Schema& schema,
                                            const ConfigLoader& load) {
  std::vector<std::string> problems;
  toml::table root;
  try {
    root = toml::parse_file(file.string());
    problems = ConfigFile::unknownKeys(file, schema);
  } catch (const toml::parse_error& e) {
    return {file.string() + ":" + std::to_string(e.source().begin.line) + ":" +
            std::to_string(e.source().begin.column) + ": " + std::string(e.description())};
  } catch (const std::exception& e) {
    return {e.what()};
  }
  if (!problems.empty()) return problems;  // the loader would refuse the same keys
  std::string loaderProblem;
  try {
    load(file);
  } catch (const std::exception& e) {
    loaderProblem = e.what();
  }
  std::vector<std::string> checkedKeys;  // keys with a problem of their own
  for (const auto& table : schema)
    for (const auto& key : table.keys) {
      if (key.kind == KeyKind::Value) continue;
      auto node = root.at_path(std::string(table.name) + "." + std::string(key.name));
      auto text = node.value<std::string>();
      if (!text || text->empty()) continue;
      std::filesystem::path path(*text);
      if (path.is_relative()) path = file.parent_path() / path;
      try {
        checkValue(key.kind, *text, path);
      } catch (const std::exception& e) {
        const std::string dotted = std::string(table.name) + "." + std::string(key.name);
        problems.push_back(file.string() + ":" + std::to_string(node.node()->source().begin.line) + ": " + dotted +
                           ": " + e.what());
        checkedKeys.push_back(dotted);
      }
    }
  // The loader stops at its first problem; it is only news when no key check already said it.
  bool repeated = false;
  for (const auto& key : checkedKeys) repeated = repeated || loaderProblem.find(key) != std::string::npos;
  if (!loaderProblem.empty() && !repeated) problems.insert(problems.begin(), loaderProblem);
  return problems;
}

}  // namespace rspf::cli
