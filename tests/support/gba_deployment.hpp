#pragma once
// A GBA BSF (`rspf bsf` as a real process) beside a LoopbackDeployment: its certificate from the
// deployment's embedded CA (which also issues the MEF's, so each trusts the other through it),
// subscribers added with `rspf bsf subscriber add`, simulated USIM files for Enrolees.
#include <memory>
#include <string>

#include "support/loopback_deployment.hpp"

namespace rspf::testing {

class GbaDeployment {
 public:
  static constexpr const char* kBsfFqdn = "bsf.test.example";
  // TS 35.207 test set 1.
  static constexpr const char* kSet1K = "465b5ce8b199b49faa5f0a2ee238a6bc";
  static constexpr const char* kSet1Opc = "cd63cb71954a9f4e48a5994e37a02baf";

  // Creates the deployment's embedded CA (constrained to test.example) unless it has one.
  explicit GbaDeployment(LoopbackDeployment& deployment, const std::string& btidLifetime = "1h");
  ~GbaDeployment();

  // `rspf bsf subscriber add`; `guss` comma-separated. Returns the command's result.
  ProcessResult addSubscriber(const std::string& impi, const std::string& guss, bool uicc = false,
                              const std::string& kHex = kSet1K, const std::string& opcHex = kSet1Opc);
  // `rspf admin enrolee add <enroleeId> --gba-impi <impi>`.
  void registerEnrolee(const std::string& enroleeId, const std::string& impi);
  // A USIM file <dir>/<name>.usim.
  std::filesystem::path createUsim(const std::string& name, const std::string& impi, std::uint64_t sqn = 0,
                                   const std::string& kHex = kSet1K, const std::string& opcHex = kSet1Opc);

  void start();
  void stop();
  const std::string& url() const { return url_; }
  std::filesystem::path trustAnchors() const { return d_.dir() / "ca.pem"; }
  // The [gba] table for LoopbackDeployment::startMef.
  std::string mefToml() const;
  // `rspf enrol --gba` as `enroleeId` with `usim`, plus `extra`.
  ProcessResult enrol(const std::string& enroleeId, const std::filesystem::path& usim,
                      std::vector<std::string> extra = {});
  std::string log() const;
  std::filesystem::path config() const { return d_.dir() / "bsf.toml"; }

 private:
  LoopbackDeployment& d_;
  std::unique_ptr<ChildProcess> bsf_;
  std::string url_;
};

}  // namespace rspf::testing
