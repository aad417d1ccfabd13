#pragma once
// The Enrolee (UE) side of GBA (seed 8.3.2.3 steps 1-2; TS 33.220 4.5.2; TS 24.109 4.5.2): Ub with
// the BSF by HTTP Digest AKA over HTTPS (the BSF's certificate verified against configured trust
// anchors, the Enrolee presenting none), then Ks and its B-TID kept, sealed, for reuse while valid.
#include <filesystem>
#include <optional>
#include <string>

#include "common/time.hpp"
#include "crypto/secret_bytes.hpp"
#include "enrolee/enrolee_credentials.hpp"
#include "enrolee/simulated_usim.hpp"

namespace rspf::enrolee {

struct BsfEndpoint {
  std::string url;   // https://host:port
  std::string fqdn;  // the BSF's certificate must name it; the Digest realm
  std::filesystem::path trustAnchors;
};

// What a successful bootstrapping leaves at the UE: Ks = CK || IK, its B-TID and lifetime.
struct BootstrappedKey {
  std::string btid;
  std::string impi;
  crypto::Bytes rand;
  crypto::SecretBytes ks;
  TimePoint expiry{};
};

// Runs Ub. Throws Error(Forbidden) when the USIM refuses the BSF's AUTN (MAC failure: wrong K or
// OPc, or not the home network) or the BSF refuses the Enrolee; resynchronises once by AUTS when
// the SQN is out of range (TS 33.102 6.3.5).
BootstrappedKey runBootstrapping(const BsfEndpoint& bsf, SimulatedUsim& usim);

// The bootstrapped key on disk: JSON, mode 0600, Ks sealed (AES-256-GCM) under the Enrolee's
// credential key, bound to the B-TID.
struct BootstrappedKeyFile {
  std::filesystem::path path;
  CredentialFile sealedWith;  // whose credential key seals Ks

  void save(const BootstrappedKey& key) const;
  std::optional<BootstrappedKey> load() const;  // nullopt when the file does not exist
};

// Seed 8.3.2.3 step 2: the kept Ks while it stays valid for `margin` more, else a new bootstrapping
// (saved). `reused` says which happened.
BootstrappedKey bootstrappedKey(const BsfEndpoint& bsf, SimulatedUsim& usim, const BootstrappedKeyFile& file,
                                bool& reused, std::chrono::seconds margin = std::chrono::seconds(60));

}  // namespace rspf::enrolee
