#include "support/gba_deployment.hpp"

#include <fstream>
#include <sstream>

#include "admin/administration.hpp"
#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "crypto/encoding.hpp"
#include "enrolee/simulated_usim.hpp"
#include "procedures/certificate_enrolment.hpp"
#include "support/test_paths.hpp"

namespace rspf::testing {
namespace {

void writePrivate(const std::filesystem::path& p, const std::string& content) {
  std::ofstream(p) << content;
  std::filesystem::permissions(p, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

}  // namespace

GbaDeployment::GbaDeployment(LoopbackDeployment& deployment, const std::string& btidLifetime) : d_(deployment) {
  if (!procedures::loadCertificateAuthority(d_.store(), store::KeyEncryptionKey::fromFile(d_.dir() / "kek"), ""))
    d_.createCertificateAuthority({"test.example"});
  auto authority = d_.certificateAuthority();
  auto key = ca::generateP256Key();
  auto issued = authority.issueServerCertificate(kBsfFqdn, *key, std::chrono::hours(24));
  auto certificate = ca::parseCertificate(issued.der);
  ca::savePrivateKeyPemFile(d_.dir() / "bsf.key", *key);
  ca::saveCertificatesPemFile(d_.dir() / "bsf.pem", {certificate.get()});
  ca::saveCertificatesPemFile(trustAnchors(), {&authority.certificate()});
  store::KeyEncryptionKey::generateFile(d_.dir() / "bsf.kek");
  std::ofstream(config()) << "[bsf]\nfqdn = \"" << kBsfFqdn
                          << "\"\nlisten = \"127.0.0.1:0\"\nready_file = \"bsf.ready\"\nbtid_lifetime = \""
                          << btidLifetime
                          << "\"\n\n[store]\nsqlite = \"bsf.db\"\nkek_file = \"bsf.kek\"\n\n[tls]\n"
                             "certificate = \"bsf.pem\"\nprivate_key = \"bsf.key\"\nnaf_trust_anchors = \"ca.pem\"\n";
}

GbaDeployment::~GbaDeployment() { stop(); }

ProcessResult GbaDeployment::addSubscriber(const std::string& impi, const std::string& guss, bool uicc,
                                           const std::string& kHex, const std::string& opcHex) {
  writePrivate(d_.dir() / "subscriber.k", kHex + "\n");
  writePrivate(d_.dir() / "subscriber.opc", opcHex + "\n");
  std::vector<std::string> args{"bsf",
                                "subscriber",
                                "add",
                                "--config",
                                config().string(),
                                "--impi",
                                impi,
                                "--k-file",
                                (d_.dir() / "subscriber.k").string(),
                                "--opc-file",
                                (d_.dir() / "subscriber.opc").string(),
                                "--guss",
                                guss};
  if (uicc) args.push_back("--uicc");
  return d_.rspf(args);
}

void GbaDeployment::registerEnrolee(const std::string& enroleeId, const std::string& impi) {
  auto r = d_.rspf({"admin", "--store", (d_.dir() / "mef.db").string(), "--kek-file", (d_.dir() / "kek").string(),
                    "enrolee", "add", enroleeId, "--gba-impi", impi});
  if (r.exitCode != 0) throw std::runtime_error("rspf admin enrolee add --gba-impi failed: " + r.err);
}

std::filesystem::path GbaDeployment::createUsim(const std::string& name, const std::string& impi, std::uint64_t sqn,
                                                const std::string& kHex, const std::string& opcHex) {
  auto path = d_.dir() / (name + ".usim");
  std::filesystem::remove(path);
  enrolee::SimulatedUsim::create(path, impi, crypto::SecretBytes(*crypto::fromHex(kHex)),
                                 crypto::SecretBytes(*crypto::fromHex(opcHex)), sqn);
  return path;
}

void GbaDeployment::start() {
  std::filesystem::remove(d_.dir() / "bsf.ready");
  bsf_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{RSPF_BINARY, "--log-level", "debug", "bsf", "--config", config().string()},
      d_.dir() / "bsf.log");
  url_ = "https://" + waitForReadyFile(d_.dir() / "bsf.ready", *bsf_);
}

void GbaDeployment::stop() {
  if (bsf_) bsf_->terminate();
  bsf_.reset();
}

std::string GbaDeployment::mefToml() const {
  return "\n[gba]\nbsf_url = \"" + url_ + "\"\nbsf_fqdn = \"" + kBsfFqdn + "\"\nbsf_trust_anchors = \"ca.pem\"\n";
}

ProcessResult GbaDeployment::enrol(const std::string& enroleeId, const std::filesystem::path& usim,
                                   std::vector<std::string> extra) {
  std::vector<std::string> args{"enrol",
                                "--gba",
                                "--usim",
                                usim.string(),
                                "--bsf",
                                url_,
                                "--bsf-fqdn",
                                kBsfFqdn,
                                "--bsf-trust-anchors",
                                trustAnchors().string(),
                                "--mef",
                                d_.mefUrl(),
                                "--mef-fqdn",
                                LoopbackDeployment::kMefFqdn,
                                "--credentials",
                                d_.credentialFile(enroleeId).string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return d_.rspf(args);
}

std::string GbaDeployment::log() const {
  std::ifstream in(d_.dir() / "bsf.log");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace rspf::testing
