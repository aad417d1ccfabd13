#pragma once
// A simulated USIM for the GBA framework: the subscriber's IMPI, K and OPc, and SQN_MS, the highest
// sequence number it accepted (TS 33.102 6.3.3, annex C.2). It stands in for the UICC of seed
// 8.3.2.3; K and OPc never leave it except through `authenticate`'s outputs.
//
// File (mode 0600, refused otherwise): JSON {"format": "rspf-simulated-usim/1", "impi": …,
// "k": hex, "opc": hex, "sqn": number}. SQN_MS is written back (atomic replace) after every
// accepted challenge, before RES is used.
#include <filesystem>
#include <string>

#include "crypto/aka.hpp"

namespace rspf::enrolee {

class SimulatedUsim {
 public:
  static SimulatedUsim load(const std::filesystem::path& file);  // throws Error(Config)
  // Creates a USIM file (exclusive, mode 0600).
  static void create(const std::filesystem::path& file, const std::string& impi, const crypto::SecretBytes& k,
                     const crypto::SecretBytes& opc, std::uint64_t sqn);

  const std::string& impi() const { return impi_; }
  std::uint64_t sqn() const { return sqn_; }

  // Checks AUTN (MAC, then SQN freshness); on success keeps the new SQN_MS durably.
  crypto::AkaResult authenticate(crypto::ByteView rand, crypto::ByteView autn);

 private:
  void save() const;

  std::filesystem::path file_;
  std::string impi_;
  crypto::SecretBytes k_;
  crypto::SecretBytes opc_;
  std::uint64_t sqn_ = 0;
};

}  // namespace rspf::enrolee
