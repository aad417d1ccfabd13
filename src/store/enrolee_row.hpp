#pragma once
// What both backends write for an Enrolee besides its plain columns, prepared before any
// transaction: its Kpm sealed (store/sealing.hpp) and its policy document (store/policy_json.hpp).
// Also the check both make first: every bootstrap identity names this Enrolee.
#include <string>
#include <vector>

#include "store/key_encryption_key.hpp"
#include "store/records.hpp"

namespace rspf::store {

struct EnroleeRow {
  crypto::Bytes kpmSealed;  // empty: no Kpm
  std::string policyJson;
  std::string refusal;  // enroleeRowsOf: why this Enrolee is refused before the store is asked
};

// Throws Error(BadRequest) when a bootstrap identity names another Enrolee.
EnroleeRow enroleeRowOf(const KeyEncryptionKey& kek, const Enrolee& enrolee);
// One per Enrolee of `batch`, in order; a refused one has its refusal set instead of throwing.
std::vector<EnroleeRow> enroleeRowsOf(const KeyEncryptionKey& kek, const std::vector<Enrolee>& batch);

}  // namespace rspf::store
