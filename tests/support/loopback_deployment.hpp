#pragma once
// A MEF, Enrolment Targets and Enrolees as real `rspf` processes on loopback, with a temporary
// SQLite store that the test also opens (WAL lets both use it) to set up and inspect state, or a
// PostgreSQL database shared by several MEF instances (docs/operations-shared-store.md).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ca/embedded_ca.hpp"
#include "common/child_process.hpp"
#include "store/open/open_store.hpp"
#include "support/temp_dir.hpp"

namespace rspf::testing {

class LoopbackDeployment {
 public:
  static constexpr const char* kMefFqdn = "mef.test.example";

  // `storeUrl`: a PostgreSQL connection string for the store instead of <dir>/mef.db.
  explicit LoopbackDeployment(const std::string& storeUrl = "");
  ~LoopbackDeployment();

  const std::filesystem::path& dir() const { return dir_.path(); }
  store::Store& store() { return *store_; }

  // Registers an Enrolee with KpmId "<id>-kpm" and a generated Kpm, written hex to <dir>/<id>.kpm.
  std::string addEnrolee(const std::string& enroleeId, const store::EnrolmentPolicy& policy = {});
  std::filesystem::path kpmFile(const std::string& enroleeId) const { return dir() / (enroleeId + ".kpm"); }
  std::filesystem::path credentialFile(const std::string& enroleeId) const { return dir() / (enroleeId + ".json"); }
  // Registers an Enrolee and an Enrolment Target with the same identity.
  void addTargetIdentity(const std::string& targetId, const store::EnrolmentPolicy& policy = {});

  // Creates the store's default embedded CA with these name constraints (one year).
  void createCertificateAuthority(const std::vector<std::string>& dnsSubtrees,
                                  const std::vector<std::string>& uriSubtrees = {});

  // The default embedded CA, its key opened with the deployment's KEK (to sign test certificates, CRLs).
  ca::EmbeddedCa certificateAuthority();

  // Starts `rspf mef`; `extraMefToml` lines are appended to its [mef] table (they may open further
  // tables, such as [observability]); `extraArgs` follow `rspf mef --config FILE`.
  void startMef(const std::string& extraMefToml = "", const std::vector<std::string>& extraArgs = {});
  // Waits for a ready file the MEF writes (e.g. [observability] ready_file) in dir(); returns its "host:port".
  std::string waitForMefReadyFile(const std::string& name);
  void stopMef();
  // Starts a further `rspf mef` instance `name` on the same store (log <dir>/<name>.log); its URL.
  std::string startMefInstance(const std::string& name, const std::string& extraMefToml = "");
  void stopMefInstance(const std::string& name);
  // The MEF URL that enrol(), startTarget() and startMaf() use from now on (e.g. another instance's).
  void useMef(const std::string& url) { mefUrl_ = url; }
  ChildProcess* mefProcess() { return mef_.get(); }  // null when not running
  const std::string& mefUrl() const { return mefUrl_; }
  std::uint16_t mefPort() const;
  pid_t mefPid() const { return mef_ ? mef_->pid() : -1; }

  // Starts `rspf target` for `targetId` (which must have been added with addTargetIdentity).
  // `extraToml` is appended to its configuration (e.g. an [observability] table).
  // `extraToml` is appended after the config's last table; `extraTargetToml` goes into [target].
  std::string startTarget(const std::string& targetId, const std::string& usage = "SAEF",
                          const std::string& extraToml = "", const std::string& extraTargetToml = "");

  // A certificate for `mafId` (dNSName; serverAuth and clientAuth) from the default embedded CA:
  // <dir>/<mafId>.pem and <dir>/<mafId>-key.pem; the CA certificate in <dir>/ca.pem.
  void issueMafCertificate(const std::string& mafId, std::chrono::seconds validity = std::chrono::hours(24 * 30));
  // Starts `rspf maf` for `mafId` with a certificate from issueMafCertificate; it trusts the
  // embedded CA for the MEF and, when `certificateEnrolees`, for Enrolee certificates. Returns its URL.
  // `extraMafToml` goes into [maf]; `validity` is its certificate's.
  std::string startMaf(const std::string& mafId, bool certificateEnrolees = true, const std::string& extraMafToml = "",
                       std::chrono::seconds validity = std::chrono::hours(24 * 30));
  // startMaf with the certificate an earlier issueMafCertificate wrote (a test can read it first).
  std::string startIssuedMaf(const std::string& mafId, bool certificateEnrolees = true,
                             const std::string& extraMafToml = "");

  // `rspf <args>` to completion.
  ProcessResult rspf(std::vector<std::string> args, const std::string& input = "",
                     const std::vector<std::string>& environment = {});
  // `rspf enrol` for a registered Enrolee, plus `extra` arguments.
  ProcessResult enrol(const std::string& enroleeId, std::vector<std::string> extra = {});
  // `rspf connect` to the target at `targetUrl` as `enroleeId`.
  ProcessResult connect(const std::string& enroleeId, const std::string& targetUrl, const std::string& targetId,
                        std::vector<std::string> extra = {});

  std::string mefLog() const;
  std::string targetLog(const std::string& targetId) const;

 private:
  // Starts `rspf <role> --config <config>` logging to <dir>/<id>.log; waits for its ready file.
  std::string startRole(const std::string& id, const char* role, const std::filesystem::path& config,
                        const std::filesystem::path& readyFile);

  std::string mefToml(const std::string& readyFile, const std::string& extraMefToml) const;

  TempDir dir_;
  std::string storeUrl_;
  std::map<std::string, std::unique_ptr<ChildProcess>> mefInstances_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<ChildProcess> mef_;
  std::string mefUrl_;
  std::map<std::string, std::unique_ptr<ChildProcess>> targets_;
};

}  // namespace rspf::testing
