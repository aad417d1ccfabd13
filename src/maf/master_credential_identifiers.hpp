#pragma once
// The Master Credential Identifiers (KmId) a MAF assigns (seed 8.3.3.4: "Thereafter, either KeId or
// the KmId can be used as the key identifier").
//
// PROJECT CHOICE: the text of the MAF Handshake Procedure (TS-0003 8.8, the seed's "clause 8.x.3")
// was not found in the stored public texts, so the form of KmId is ours: "km-" followed by 32
// lowercase hex digits (128 random bits) "@" MAF-ID. It cannot be mistaken for a KeId or a derived
// key identifier (neither starts with "km-"). The MAF assigns one per Km, after the first handshake
// with KeId, and tells the Enrolee in the body of GET /enrolment (docs/protocol.md). KmIds live in
// the MAF's memory only: after a restart the Enrolee presents KeId again and gets a new one.
//
// Issue 10 items 8 and 11: a MEF that answers Key Retrieval with a KcId (every rspf MEF now) gives
// the MAF the Master Credential Identifier of seed 8.3.3.4 step 6, and the MAF tells the Enrolee that
// as its KmId (MafKeyFramework): it is the derived key identifier of Km, which the MAF resolves
// through the MEF again after a restart. These random KmIds remain for MEFs that send no KcId.
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace rspf::maf {

inline constexpr std::string_view kKmIdPrefix = "km-";

bool isKmIdForm(std::string_view identity);

class MasterCredentialIdentifiers {
 public:
  explicit MasterCredentialIdentifiers(std::string mafId) : mafId_(std::move(mafId)) {}

  // The KmId of the Km fetched for `relativeKeId`: assigned on the first call, the same afterwards.
  std::string assign(const std::string& relativeKeId, const std::string& credentialId);
  std::optional<std::string> relativeKeIdOf(std::string_view kmId) const;
  // Forgets the KmId of a Km that was erased (past its Lifetime, or no longer served by the MEF).
  void eraseKey(const std::string& relativeKeId);
  void eraseCredential(const std::string& credentialId);
  std::size_t size() const;

 private:
  struct Entry {
    std::string relativeKeId;
    std::string credentialId;
  };
  std::string mafId_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> byKmId_;
};

}  // namespace rspf::maf
