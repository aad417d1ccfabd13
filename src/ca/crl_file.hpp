#pragma once
// Certificate revocation lists read from files (PEM "X509 CRL" or DER), for relying parties.
#include <filesystem>

#include "ca/openssl_objects.hpp"

namespace rspf::ca {

// Throws Error(Config) naming the file when it is unreadable or holds no CRL.
X509CrlPtr loadCrlFile(const std::filesystem::path& file);

}  // namespace rspf::ca
