#include "enrolee/simulated_usim.hpp"

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/private_file.hpp"
#include "common/strict_json.hpp"
#include "crypto/encoding.hpp"

namespace rspf::enrolee {
namespace {

constexpr const char* kFormat = "rspf-simulated-usim/1";

std::string content(const std::string& impi, const crypto::SecretBytes& k, const crypto::SecretBytes& opc,
                    std::uint64_t sqn) {
  nlohmann::json j{{"format", kFormat},
                   {"impi", impi},
                   {"k", crypto::toHex(k.view())},
                   {"opc", crypto::toHex(opc.view())},
                   {"sqn", sqn}};
  std::string text = j.dump(2) + "\n";
  return text;
}

crypto::SecretBytes hexSecret(const nlohmann::json& j, const char* field, const std::filesystem::path& file) {
  auto bytes = crypto::fromHex(j.at(field).get<std::string>());
  if (!bytes || bytes->size() != crypto::kMilenageKeySize)
    throw Error(ErrorCode::Config, "the USIM file " + file.string() + ": '" + field + "' must be 32 hex digits");
  crypto::SecretBytes out(*bytes);
  crypto::wipe(bytes->data(), bytes->size());
  return out;
}

}  // namespace

SimulatedUsim SimulatedUsim::load(const std::filesystem::path& file) {
  requirePrivateFile(file, "USIM file");
  std::string text = readFile(file);
  auto j = parseStrictJsonOrDiscarded(text);
  crypto::wipe(text.data(), text.size());
  if (!j.is_object() || j.value("format", "") != kFormat)
    throw Error(ErrorCode::Config, "the USIM file " + file.string() + " is not a " + kFormat + " file");
  SimulatedUsim usim;
  try {
    usim.file_ = file;
    usim.impi_ = j.at("impi").get<std::string>();
    usim.k_ = hexSecret(j, "k", file);
    usim.opc_ = hexSecret(j, "opc", file);
    usim.sqn_ = j.at("sqn").get<std::uint64_t>();
  } catch (const nlohmann::json::exception&) {
    throw Error(ErrorCode::Config, "the USIM file " + file.string() + " lacks impi, k, opc or sqn");
  }
  if (usim.sqn_ > crypto::kMaxSqn) throw Error(ErrorCode::Config, "the USIM's sqn exceeds 48 bits");
  return usim;
}

void SimulatedUsim::create(const std::filesystem::path& file, const std::string& impi, const crypto::SecretBytes& k,
                           const crypto::SecretBytes& opc, std::uint64_t sqn) {
  std::string text = content(impi, k, opc, sqn);
  writePrivateFile(file, text, true);
  crypto::wipe(text.data(), text.size());
}

void SimulatedUsim::save() const {
  std::string text = content(impi_, k_, opc_, sqn_);
  replacePrivateFile(file_, text);
  crypto::wipe(text.data(), text.size());
}

crypto::AkaResult SimulatedUsim::authenticate(crypto::ByteView rand, crypto::ByteView autn) {
  crypto::Milenage milenage(k_, opc_);
  auto result = crypto::authenticate(milenage, rand, autn, sqn_);
  if (result.outcome == crypto::AkaResult::Outcome::Success) {
    sqn_ = result.sqn;
    save();
  }
  return result;
}

}  // namespace rspf::enrolee
