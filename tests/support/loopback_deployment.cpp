#include "support/loopback_deployment.hpp"

#include <fstream>
#include <sstream>

#include "admin/administration.hpp"
#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "crypto/encoding.hpp"
#include "procedures/certificate_enrolment.hpp"
#include "support/test_paths.hpp"

namespace rspf::testing {
namespace {
void writeFile(const std::filesystem::path& p, const std::string& content) {
  std::ofstream out(p);
  out << content;
  out.close();
  std::filesystem::permissions(p, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}
std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

LoopbackDeployment::LoopbackDeployment(const std::string& storeUrl) : storeUrl_(storeUrl) {
  auto kek = store::KeyEncryptionKey::generateFile(dir() / "kek");
  store_ = storeUrl_.empty() ? store::openSqliteStore(dir() / "mef.db", kek)
                             : store::openPostgresStore(storeUrl_, store::StoreSettings::kDefaultPoolSize, kek);
}

LoopbackDeployment::~LoopbackDeployment() {
  targets_.clear();
  mefInstances_.clear();
  mef_.reset();
}

std::string LoopbackDeployment::mefToml(const std::string& readyFile, const std::string& extraMefToml) const {
  const std::string store = storeUrl_.empty() ? "sqlite = \"mef.db\"" : "url = \"" + storeUrl_ + "\"";
  return std::string("[mef]\nfqdn = \"") + kMefFqdn + "\"\nlisten = \"127.0.0.1:0\"\nready_file = \"" + readyFile +
         "\"\n" + extraMefToml + "\n\n[store]\n" + store + "\nkek_file = \"kek\"\n";
}

std::string LoopbackDeployment::startMefInstance(const std::string& name, const std::string& extraMefToml) {
  const std::filesystem::path config = dir() / (name + ".toml");
  const std::filesystem::path ready = dir() / (name + ".ready");
  std::filesystem::remove(ready);
  writeFile(config, mefToml(ready.filename().string(), extraMefToml));
  auto child = std::make_unique<ChildProcess>(
      std::vector<std::string>{RSPF_BINARY, "--log-level", "debug", "mef", "--config", config.string()},
      dir() / (name + ".log"));
  std::string url = "https://" + waitForReadyFile(ready, *child);
  mefInstances_[name] = std::move(child);
  return url;
}

void LoopbackDeployment::stopMefInstance(const std::string& name) {
  if (auto it = mefInstances_.find(name); it != mefInstances_.end()) {
    it->second->terminate();
    mefInstances_.erase(it);
  }
}

std::string LoopbackDeployment::addEnrolee(const std::string& enroleeId, const store::EnrolmentPolicy& policy) {
  auto result = admin::addEnrolee(*store_, {enroleeId, enroleeId + "-kpm", std::nullopt, policy});
  auto hex = crypto::toHex(result.generatedKpm->view());
  writeFile(kpmFile(enroleeId), hex + "\n");
  return hex;
}

void LoopbackDeployment::addTargetIdentity(const std::string& targetId, const store::EnrolmentPolicy& policy) {
  addEnrolee(targetId, policy);
  admin::addTarget(*store_, targetId, "CSE");
}

void LoopbackDeployment::createCertificateAuthority(const std::vector<std::string>& dnsSubtrees,
                                                    const std::vector<std::string>& uriSubtrees) {
  procedures::createCertificateAuthority(*store_, store::KeyEncryptionKey::fromFile(dir() / "kek"), "", dnsSubtrees,
                                         uriSubtrees, std::chrono::hours(24 * 365));
}

ca::EmbeddedCa LoopbackDeployment::certificateAuthority() {
  auto loaded = procedures::loadCertificateAuthority(*store_, store::KeyEncryptionKey::fromFile(dir() / "kek"), "");
  if (!loaded) throw std::runtime_error("the deployment has no embedded CA");
  return std::move(*loaded);
}

void LoopbackDeployment::startMef(const std::string& extraMefToml, const std::vector<std::string>& extraArgs) {
  std::filesystem::remove(dir() / "mef.ready");
  writeFile(dir() / "mef.toml", mefToml("mef.ready", extraMefToml));
  std::vector<std::string> argv{RSPF_BINARY, "--log-level", "debug", "mef", "--config", (dir() / "mef.toml").string()};
  argv.insert(argv.end(), extraArgs.begin(), extraArgs.end());
  mef_ = std::make_unique<ChildProcess>(argv, dir() / "mef.log");
  mefUrl_ = "https://" + waitForReadyFile(dir() / "mef.ready", *mef_);
}

std::string LoopbackDeployment::waitForMefReadyFile(const std::string& name) {
  if (!mef_) throw std::runtime_error("the MEF is not running");
  return waitForReadyFile(dir() / name, *mef_);
}

void LoopbackDeployment::stopMef() {
  if (mef_) mef_->terminate();
  mef_.reset();
}

std::uint16_t LoopbackDeployment::mefPort() const {
  return static_cast<std::uint16_t>(std::stoi(mefUrl_.substr(mefUrl_.rfind(':') + 1)));
}

std::string LoopbackDeployment::startTarget(const std::string& targetId, const std::string& usage,
                                            const std::string& extraToml, const std::string& extraTargetToml) {
  auto config = dir() / (targetId + ".toml");
  auto ready = dir() / (targetId + ".ready");
  std::filesystem::remove(ready);
  writeFile(config, "[target]\nid = \"" + targetId + "\"\ntype = \"CSE\"\nusage = \"" + usage +
                        "\"\nlisten = \"127.0.0.1:0\"\nready_file = \"" + ready.filename().string() + "\"\n" +
                        extraTargetToml + "\n\n[mef]\nurl = \"" + mefUrl_ + "\"\nfqdn = \"" + kMefFqdn +
                        "\"\nkpm_id = \"" + targetId + "-kpm\"\nkpm_file = \"" + kpmFile(targetId).filename().string() +
                        "\"\ncredentials = \"" + targetId + "-own.json\"\n" + extraToml + "\n");
  return startRole(targetId, "target", config, ready);
}

std::string LoopbackDeployment::startRole(const std::string& id, const char* role, const std::filesystem::path& config,
                                          const std::filesystem::path& readyFile) {
  auto child = std::make_unique<ChildProcess>(
      std::vector<std::string>{RSPF_BINARY, "--log-level", "debug", role, "--config", config.string()},
      dir() / (id + ".log"));
  std::string url = "https://" + waitForReadyFile(readyFile, *child);
  targets_[id] = std::move(child);
  return url;
}

void LoopbackDeployment::issueMafCertificate(const std::string& mafId, std::chrono::seconds validity) {
  auto authority = certificateAuthority();
  auto key = ca::generateP256Key();
  auto issued = authority.issueServerCertificate(mafId, *key, validity);
  auto certificate = ca::parseCertificate(issued.der);
  ca::saveCertificatesPemFile(dir() / (mafId + ".pem"), {certificate.get()});
  std::filesystem::remove(dir() / (mafId + "-key.pem"));
  ca::savePrivateKeyPemFile(dir() / (mafId + "-key.pem"), *key);
  writeFile(dir() / "ca.pem", authority.certificatePem());
}

std::string LoopbackDeployment::startMaf(const std::string& mafId, bool certificateEnrolees,
                                         const std::string& extraMafToml, std::chrono::seconds validity) {
  issueMafCertificate(mafId, validity);
  return startIssuedMaf(mafId, certificateEnrolees, extraMafToml);
}

std::string LoopbackDeployment::startIssuedMaf(const std::string& mafId, bool certificateEnrolees,
                                               const std::string& extraMafToml) {
  auto config = dir() / (mafId + ".toml");
  auto ready = dir() / (mafId + ".ready");
  std::filesystem::remove(ready);
  writeFile(config, "[maf]\nid = \"" + mafId + "\"\nlisten = \"127.0.0.1:0\"\nready_file = \"" +
                        ready.filename().string() + "\"\ncertificate = \"" + mafId + ".pem\"\ncertificate_key = \"" +
                        mafId + "-key.pem\"\n" + (certificateEnrolees ? "enrolee_trust_anchors = \"ca.pem\"\n" : "") +
                        extraMafToml + "\n[mef]\nurl = \"" + mefUrl_ + "\"\nfqdn = \"" + kMefFqdn +
                        "\"\ntrust_anchors = \"ca.pem\"\n");
  return startRole(mafId, "maf", config, ready);
}

ProcessResult LoopbackDeployment::rspf(std::vector<std::string> args, const std::string& input,
                                       const std::vector<std::string>& environment) {
  args.insert(args.begin(), RSPF_BINARY);
  return runProcess(args, input, std::chrono::seconds(30), environment);
}

ProcessResult LoopbackDeployment::enrol(const std::string& enroleeId, std::vector<std::string> extra) {
  std::vector<std::string> args = {"enrol",
                                   "--mef",
                                   mefUrl_,
                                   "--mef-fqdn",
                                   kMefFqdn,
                                   "--kpm-id",
                                   enroleeId + "-kpm",
                                   "--kpm-file",
                                   kpmFile(enroleeId).string(),
                                   "--credentials",
                                   credentialFile(enroleeId).string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return rspf(args);
}

ProcessResult LoopbackDeployment::connect(const std::string& enroleeId, const std::string& targetUrl,
                                          const std::string& targetId, std::vector<std::string> extra) {
  std::vector<std::string> args = {
      "connect", "--credentials", credentialFile(enroleeId).string(), "--target", targetUrl, "--target-id", targetId};
  args.insert(args.end(), extra.begin(), extra.end());
  return rspf(args);
}

std::string LoopbackDeployment::mefLog() const { return readFile(dir() / "mef.log"); }
std::string LoopbackDeployment::targetLog(const std::string& targetId) const {
  return readFile(dir() / (targetId + ".log"));
}

}  // namespace rspf::testing
