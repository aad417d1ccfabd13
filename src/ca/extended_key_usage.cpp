#include "ca/extended_key_usage.hpp"

#include <algorithm>

namespace rspf::ca {
namespace {

struct Entry {
  KeyPurpose purpose;
  std::string oid;
  std::string_view name;
};

std::string projectOid(int n) { return std::string(kProjectEkuArc) + "." + std::to_string(n); }

// The one table of EKU OIDs (see the header for the project arc).
const std::vector<Entry>& table() {
  static const std::vector<Entry> entries{
      {KeyPurpose::ServerAuth, "1.3.6.1.5.5.7.3.1", "serverAuth"},  // id-kp-serverAuth, RFC 5280
      {KeyPurpose::ClientAuth, "1.3.6.1.5.5.7.3.2", "clientAuth"},  // id-kp-clientAuth, RFC 5280
      {KeyPurpose::Saef, projectOid(1), "SAEF"},
      {KeyPurpose::EsPrim, projectOid(2), "ESPrim"},
      {KeyPurpose::EsData, projectOid(3), "ESData"},
      {KeyPurpose::Maf, projectOid(4), "MAF"},
  };
  return entries;
}

const Entry& entryOf(KeyPurpose purpose) {
  const auto& t = table();
  return *std::find_if(t.begin(), t.end(), [&](const Entry& e) { return e.purpose == purpose; });
}

}  // namespace

std::string_view oidOf(KeyPurpose purpose) { return entryOf(purpose).oid; }
std::string_view keyPurposeName(KeyPurpose purpose) { return entryOf(purpose).name; }

std::optional<KeyPurpose> keyPurposeOfOid(std::string_view dottedOid) {
  for (const auto& e : table())
    if (e.oid == dottedOid) return e.purpose;
  return std::nullopt;
}

KeyPurpose keyPurposeOf(crypto::Usage usage) {
  switch (usage) {
    case crypto::Usage::SAEF: return KeyPurpose::Saef;
    case crypto::Usage::ESPrim: return KeyPurpose::EsPrim;
    case crypto::Usage::ESData: return KeyPurpose::EsData;
    case crypto::Usage::MAF: return KeyPurpose::Maf;
  }
  return KeyPurpose::Saef;
}

std::string describeEku(std::string_view dottedOid) {
  auto purpose = keyPurposeOfOid(dottedOid);
  std::string text(dottedOid);
  if (purpose) text += " (" + std::string(keyPurposeName(*purpose)) + ")";
  return text;
}

std::vector<KeyPurpose> keyPurposesForUsages(const std::vector<crypto::Usage>& usages) {
  std::vector<KeyPurpose> out{KeyPurpose::ClientAuth, KeyPurpose::ServerAuth};
  for (auto u : usages) {
    auto p = keyPurposeOf(u);
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  }
  return out;
}

}  // namespace rspf::ca
