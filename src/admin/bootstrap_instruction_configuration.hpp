#pragma once
// What the MEF configures an Enrolee with (seed 9.2.2.1), gathered from the store for one Enrolee,
// to be signed into a bundle (`rspf admin enrolee bundle`).
#include <chrono>
#include <optional>
#include <string>

#include "config/bootstrap_instruction_bundle.hpp"
#include "store/store.hpp"

namespace rspf::admin {

struct MefIdentity {
  std::string uri;              // the MEF URI the Enrolee connects to
  std::string fqdn;             // MEF-FQDN
  std::string trustAnchorsPem;  // empty: the store's default embedded CA certificate, if any
  std::optional<std::string> enrolmentToken;
  std::optional<std::chrono::seconds> validity = {};  // the bundle's validity; default kDefaultBundleValidity
};

// Throws Error(NotFound) for an unknown Enrolee.
config::BootstrapInstructions bootstrapInstructionsFor(store::Store& store, const std::string& enroleeId,
                                                       const MefIdentity& mef);

}  // namespace rspf::admin
