// Bootstrap Instruction bundles (config/bootstrap_instruction_bundle) as the Enrolee verifies them
// with its trusted signer. The first byte picks what the rest is: the whole bundle (the outer JSON,
// the signer, the signature), or a payload that the target signs with the trusted key first, so
// that the payload's parsing is reached too.
#include <nlohmann/json.hpp>

#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "ca/signature.hpp"
#include "config/bootstrap_instruction_bundle.hpp"
#include "crypto/encoding.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rspf;
  if (size < 1) return 0;
  static const ca::EvpPkeyPtr configurationKey = ca::generateP256Key();
  static const std::string signerPem = ca::publicKeyPem(*configurationKey);
  crypto::ByteView input{data + 1, size - 1};
  std::string bundle;
  if (data[0] & 1) {
    bundle = nlohmann::json{{"format", config::kBootstrapBundleFormat},
                            {"payload", crypto::toBase64Url(input)},
                            {"signature", crypto::toBase64Url(ca::signSha256(*configurationKey, input))},
                            {"signer", signerPem}}
                 .dump();
  } else {
    bundle.assign(reinterpret_cast<const char*>(input.data()), input.size());
  }
  fuzz::refusedOrParsed([&] {
    auto instructions = config::verifyBootstrapInstructions(bundle, *configurationKey);
    // What the Enrolee writes of them is signed and verified again to the same instructions.
    auto again = config::verifyBootstrapInstructions(config::signBootstrapInstructions(instructions, *configurationKey),
                                                     *configurationKey);
    if (again.enroleeId != instructions.enroleeId || again.mefUri != instructions.mefUri ||
        again.enrolmentTargetIds != instructions.enrolmentTargetIds ||
        again.enrolmentToken != instructions.enrolmentToken)
      std::abort();
  });
  return 0;
}
