#pragma once
// What the Enrolment Target benchmarks (key-retrieval, first-contact) set up alike: a store with a
// registered Enrolment Target (type CSE, an Enrolee itself so that it can enrol for its KreId/Kre)
// and Enrolees whose policy gives it a SAEF key; an in-process MEF on it; Enrolees enrolled with it.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "enrolee/enrolee_credentials.hpp"
#include "load_client.hpp"
#include "mef/mef_config.hpp"
#include "store/key_encryption_key.hpp"

namespace rspf::bench {

inline constexpr const char* kBenchMefFqdn = "mef.bench.example";
inline constexpr const char* kBenchTargetId = "cse-t.bench.example";
inline constexpr const char* kBenchUsage = "SAEF";
inline constexpr int kBenchSuid = 22;  // SAEF (PROTOCOL.md 4.3)

struct TargetFixture {
  PskCredential target;                 // the target's own KpmId/Kpm
  std::vector<PskCredential> enrolees;  // e<i>.bench.example: kpm-<i> and its Kpm
};

// Creates the SQLite store at `path`.
TargetFixture setUpTargetStore(const std::filesystem::path& path, const store::KeyEncryptionKey& kek, int enrolees);

// The MEF on the store of setUpTargetStore: 127.0.0.1, a free port, `threads` network threads.
mef::MefConfig benchMefConfig(const std::filesystem::path& store, const std::filesystem::path& kekFile, int threads);

// A full PSK enrolment with the MEF at 127.0.0.1:`mefPort` (the library's own Enrolee).
enrolee::EnroleeCredentials enrolWithKpm(std::uint16_t mefPort, const PskCredential& kpm);

}  // namespace rspf::bench
