#pragma once
// The Enrolees the enrolment benchmarks load their MEF with: cse-NNNN.bench.example.com with KpmId
// kpm-NNNN and a generated Kpm each.
#include <vector>

#include "load_client.hpp"
#include "store/key_encryption_key.hpp"
#include "store/store_settings.hpp"

namespace rspf::bench {

// Registers `count` Enrolees in the store of `settings`; returns their (KpmId, Kpm).
std::vector<PskCredential> registerEnrolees(const store::StoreSettings& settings, const store::KeyEncryptionKey& kek,
                                            int count);

// Adds `count` more Enrolees (bulk-NNNNNNN.bench.example.com, KpmId bulk-NNNNNNN, a random Kpm
// each), never loaded: they make the store large (issue 14 item 6). Through Store::addEnrolees,
// 1000 per transaction, as `rspf admin enrolee import` stores them. Returns the rows per second.
double addBulkEnrolees(const store::StoreSettings& settings, const store::KeyEncryptionKey& kek, std::size_t count);

}  // namespace rspf::bench
