#include "store/sealing.hpp"

#include "common/error.hpp"

namespace rspf::store {
namespace {

constexpr std::string_view kKekCheckValue = "rspf-kek-check";
constexpr std::string_view kKekCheckName = "meta/kek_check";

}  // namespace

crypto::Bytes sealKekCheck(const KeyEncryptionKey& kek) {
  return kek.seal(crypto::asBytes(kKekCheckValue), kKekCheckName);
}

void requireKekCheck(const KeyEncryptionKey& kek, crypto::ByteView sealed) {
  bool matches = false;
  try {
    auto plain = kek.open(sealed, kKekCheckName);
    matches = crypto::constantTimeEqual(plain.view(), crypto::asBytes(kKekCheckValue));
  } catch (const Error& e) {
    if (e.code() != ErrorCode::Store) throw;
  }
  if (!matches) throw Error(ErrorCode::Config, "the key-encryption key does not match this store");
}

}  // namespace rspf::store
