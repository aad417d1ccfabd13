#include "enrolee/enrolee_credentials.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "common/private_file.hpp"
#include "common/strict_json.hpp"
#include "crypto/aead.hpp"
#include "crypto/encoding.hpp"
#include "crypto/identifiers.hpp"
#include "crypto/key_file.hpp"
#include "crypto/primitives.hpp"

namespace rspf::enrolee {
namespace {

constexpr const char* kFormat = "rspf-enrolee-credentials/1";

std::filesystem::path keyFileOf(const CredentialFile& f) {
  return f.keyFile ? *f.keyFile : std::filesystem::path(f.path.string() + ".key");
}

}  // namespace

crypto::SecretBytes credentialKey(const CredentialFile& f, bool create) {
  constexpr const char* kWhat = "credential key";
  if (const char* env = std::getenv(kCredentialKeyEnvironmentVariable); env && *env)
    return parseHexKey(env, kWhat, std::string("environment variable ") + kCredentialKeyEnvironmentVariable,
                       crypto::kAeadKeySize);
  auto path = keyFileOf(f);
  if (!std::filesystem::exists(path)) {
    if (!create) throw Error(ErrorCode::Config, "credential key file " + path.string() + " is missing");
    auto key = crypto::randomSecret(crypto::kAeadKeySize);
    writeHexKeyFile(path, key, kWhat);
    return key;
  }
  return readHexKeyFile(path, kWhat, crypto::kAeadKeySize);
}

namespace {

std::string seal(const crypto::SecretBytes& key, const crypto::SecretBytes& value, const std::string& where) {
  return crypto::toBase64(crypto::aeadSeal(key, value.view(), where));
}

crypto::SecretBytes open(const crypto::SecretBytes& key, const nlohmann::json& j, const std::string& where) {
  auto sealed = crypto::fromBase64(j.get<std::string>());
  if (!sealed) throw Error(ErrorCode::Config, "credential file is corrupt (" + where + ")");
  auto value = crypto::aeadOpen(key, *sealed, where);
  if (!value)
    throw Error(ErrorCode::Config, "credential file cannot be opened with this credential key (" + where + ")");
  return std::move(*value);
}

}  // namespace

const TargetKey* EnroleeCredentials::findTargetKey(std::string_view targetId,
                                                   std::optional<std::string_view> usage) const {
  for (const auto& t : targetKeys)
    if (crypto::equalsIgnoreCase(t.targetId, targetId) && (!usage || t.usage == *usage)) return &t;
  return nullptr;
}

TargetKey* EnroleeCredentials::findTargetKey(std::string_view targetId, std::optional<std::string_view> usage) {
  return const_cast<TargetKey*>(std::as_const(*this).findTargetKey(targetId, usage));
}

void CredentialFile::save(const EnroleeCredentials& c) const {
  auto key = credentialKey(*this, true);
  nlohmann::json targets = nlohmann::json::array();
  for (const auto& t : c.targetKeys) {
    nlohmann::json target = {{"targetId", t.targetId},
                             {"usage", t.usage},
                             {"keyIdentifier", t.keyIdentifier},
                             {"presented", t.presented},
                             {"key", seal(key, t.key, c.keId + "/target/" + t.keyIdentifier)}};
    if (!t.kmId.empty()) target["kmId"] = t.kmId;
    targets.push_back(std::move(target));
  }
  nlohmann::json j = {{"format", kFormat},
                      {"mefUrl", c.mefUrl},
                      {"mefFqdn", c.mefFqdn},
                      {"pskIdentity", c.pskIdentity},
                      {"keId", c.keId},
                      {"kreId", c.kreId},
                      {"expiry", toRfc3339(c.expiry)},
                      {"enrolledAt", toRfc3339(c.enrolledAt)},
                      {"keyProfile", crypto::keyProfileName(c.keyProfile)},
                      {"instructions", c.instructions},
                      {"ke", seal(key, c.ke, c.keId + "/ke")},
                      {"kre", seal(key, c.kre, c.keId + "/kre")},
                      {"targetKeys", targets}};
  auto temp = std::filesystem::path(path.string() + ".tmp");
  std::filesystem::remove(temp);
  writePrivateFile(temp, j.dump(2) + "\n", true);
  std::filesystem::rename(temp, path);
}

EnroleeCredentials CredentialFile::load() const {
  auto text = readFile(path);
  auto j = parseStrictJsonOrDiscarded(text);
  if (j.is_discarded() || !j.is_object() || j.value("format", "") != kFormat)
    throw Error(ErrorCode::Config, path.string() + " is not an rspf credential file");
  auto key = credentialKey(*this, false);
  try {
    EnroleeCredentials c;
    c.mefUrl = j.at("mefUrl").get<std::string>();
    c.mefFqdn = j.at("mefFqdn").get<std::string>();
    c.pskIdentity = j.at("pskIdentity").get<std::string>();
    c.keId = j.at("keId").get<std::string>();
    auto parsed = crypto::parseKeyIdentifier(c.keId);
    if (!parsed) throw Error(ErrorCode::Config, "credential file holds a malformed KeId");
    c.relativeKeId = parsed->relativeKeId;
    c.kreId = j.at("kreId").get<std::string>();
    auto expiry = parseRfc3339(j.at("expiry").get<std::string>());
    if (!expiry) throw Error(ErrorCode::Config, "credential file holds a malformed expiry");
    c.expiry = *expiry;
    // Files written before enrolledAt was kept: the lifetime is unknown, count it from the load.
    auto enrolledAt = parseRfc3339(j.value("enrolledAt", ""));
    c.enrolledAt = enrolledAt ? *enrolledAt : std::min(now(), c.expiry);
    c.keyProfile = crypto::parseKeyProfile(j.at("keyProfile").get<std::string>()).value_or(crypto::KeyProfile::Current);
    c.instructions = j.at("instructions");
    c.ke = open(key, j.at("ke"), c.keId + "/ke");
    c.kre = open(key, j.at("kre"), c.keId + "/kre");
    for (const auto& t : j.at("targetKeys")) {
      TargetKey tk;
      tk.targetId = t.at("targetId").get<std::string>();
      tk.usage = t.at("usage").get<std::string>();
      tk.keyIdentifier = t.at("keyIdentifier").get<std::string>();
      tk.presented = t.at("presented").get<bool>();
      tk.kmId = t.value("kmId", "");
      tk.key = open(key, t.at("key"), c.keId + "/target/" + tk.keyIdentifier);
      c.targetKeys.push_back(std::move(tk));
    }
    return c;
  } catch (const nlohmann::json::exception&) {
    throw Error(ErrorCode::Config, path.string() + " is missing fields or has wrong types");
  }
}

}  // namespace rspf::enrolee
