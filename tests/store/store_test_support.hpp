#pragma once
// Helpers shared by the store tests: sample records, raw file reads.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "common/time.hpp"
#include "crypto/encoding.hpp"
#include "crypto/primitives.hpp"
#include "store/records.hpp"
#include "support/temp_dir.hpp"

namespace rspf::store::testing {

inline const TimePoint kT0 = fromUnix(1'800'000'000);

using TempDir = rspf::testing::TempDir;

inline std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

inline bool containsBytes(std::string_view haystack, crypto::ByteView needle) {
  return contains(haystack, std::string_view(reinterpret_cast<const char*>(needle.data()), needle.size()));
}

inline unsigned fileMode(const std::filesystem::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return 0;
  return static_cast<unsigned>(st.st_mode & 07777);
}

inline bool sameBytes(const crypto::SecretBytes& a, const crypto::SecretBytes& b) {
  return std::ranges::equal(a.view(), b.view());
}

inline EnrolmentPolicy samplePolicy() {
  EnrolmentPolicy p;
  p.directKeys = {{"cse1.example.com", "SAEF"}, {"ae7.example.com", "ESData"}};
  p.maf = MafInstruction{"maf.example.com", "https://maf.example.com/maf", "certificate", {"SAEF", "ESPrim"}};
  p.registrarCseId = "in-cse.example.com";
  p.enrolmentExpiry = std::chrono::hours(12);
  p.token = TokenRequirement::Required;
  p.requireEnrolmentApproval = true;
  return p;
}

inline Enrolee sampleEnrolee(std::string enroleeId, std::string kpmId) {
  Enrolee e;
  e.enroleeId = std::move(enroleeId);
  e.kpmId = std::move(kpmId);
  if (!e.kpmId.empty()) e.kpm = crypto::randomSecret(32);
  e.policy = samplePolicy();
  e.createdAt = kT0;
  return e;
}

inline EnrolmentKey sampleKey(std::string enroleeId, TimePoint createdAt = kT0) {
  EnrolmentKey k;
  k.relativeKeId = crypto::toHex(crypto::randomBytes(16));
  k.enroleeId = std::move(enroleeId);
  k.ke = crypto::randomSecret(32);
  k.kreId = crypto::toHex(crypto::randomBytes(16)) + "@mef.example.com";
  k.kre = crypto::randomSecret(32);
  k.framework = "psk";
  k.keyProfile = "current";
  k.createdAt = createdAt;
  k.expiry = createdAt + std::chrono::hours(24);
  return k;
}

// Audit entry i, recorded at kT0 + i seconds.
inline AuditEntry sampleAuditEntry(int i) {
  return {0,
          kT0 + std::chrono::seconds(i),
          "psk:cse" + std::to_string(i) + ".example.com",
          "enrolment_exchange",
          "cse" + std::to_string(i) + ".example.com",
          "success",
          "entry " + std::to_string(i)};
}

inline EnrolmentToken sampleToken(std::string tokenId, std::string_view value) {
  EnrolmentToken t;
  t.tokenId = std::move(tokenId);
  t.tokenHash = crypto::sha256(crypto::asBytes(value));
  t.auxInfo = "batch-" + t.tokenId;
  t.createdAt = kT0;
  return t;
}

}  // namespace rspf::store::testing
